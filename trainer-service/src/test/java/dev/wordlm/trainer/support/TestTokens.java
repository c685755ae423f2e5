package dev.wordlm.trainer.support;

import io.restassured.RestAssured;

/** The tokens of the {@code %test} profile (application.properties), and the default authentication of the tests. */
public final class TestTokens {
    public static final String ADMIN = "test-admin-token";
    public static final String USER = "test-user-token";

    private TestTokens() {
    }

    /** Every REST Assured request of the calling test sends the admin token, unless it says otherwise. */
    public static void asAdmin() {
        RestAssured.authentication = RestAssured.oauth2(ADMIN);
    }

    /** The header value for clients other than REST Assured. */
    public static String adminHeader() {
        return "Bearer " + ADMIN;
    }
}
