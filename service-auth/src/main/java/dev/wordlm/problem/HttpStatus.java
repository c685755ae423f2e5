package dev.wordlm.problem;

/** Reason phrases and problem kinds of the statuses the services answer with. */
final class HttpStatus {
    private HttpStatus() {
    }

    static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 406 -> "Not Acceptable";
            case 409 -> "Conflict";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 415 -> "Unsupported Media Type";
            case 416 -> "Range Not Satisfiable";
            case 422 -> "Unprocessable Content";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            default -> status >= 500 ? "Server Error" : "Client Error";
        };
    }

    /** The problem kind of a bare status: its reason phrase in lower-case words joined by hyphens. */
    static String kind(int status) {
        return switch (status) {
            case 400 -> "invalid-request";
            case 500 -> "internal-error";
            default -> reason(status).toLowerCase(java.util.Locale.ROOT).replace(' ', '-');
        };
    }
}
