package dev.wordlm.auth;

/** The two roles of the services. An admin token carries both, so an admin can do what a user can. */
public final class Roles {
    /** Writes: create and cancel runs, upload datasets, pin the served model; also the metrics. */
    public static final String ADMIN = "admin";
    /** Generation and scoring, and the read endpoints where {@code wordlm.auth.reads=user}. */
    public static final String USER = "user";

    private Roles() {
    }
}
