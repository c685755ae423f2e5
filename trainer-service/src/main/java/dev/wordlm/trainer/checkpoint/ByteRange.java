package dev.wordlm.trainer.checkpoint;

import jakarta.ws.rs.core.StreamingOutput;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One byte range of a file of {@code size} bytes, from a {@code Range} header (RFC 9110 14): {@code bytes=a-b},
 * {@code bytes=a-} or {@code bytes=-n}. Several ranges, other units or bad syntax are no range (the whole file).
 */
record ByteRange(long first, long last, long size) {
    private static final Pattern SINGLE = Pattern.compile("\\s*bytes\\s*=\\s*(\\d*)\\s*-\\s*(\\d*)\\s*");
    private static final int MAX_DIGITS = 18;

    static Optional<ByteRange> parse(String header, long size) {
        if (header == null) {
            return Optional.empty();
        }
        Matcher m = SINGLE.matcher(header);
        if (!m.matches() || m.group(1).isEmpty() && m.group(2).isEmpty()
                || m.group(1).length() > MAX_DIGITS || m.group(2).length() > MAX_DIGITS) {
            return Optional.empty();
        }
        if (m.group(1).isEmpty()) { // the last n bytes
            long n = Long.parseLong(m.group(2));
            return n == 0 ? Optional.of(new ByteRange(size, size - 1, size))
                    : Optional.of(new ByteRange(Math.max(0, size - n), size - 1, size));
        }
        long first = Long.parseLong(m.group(1));
        long last = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
        if (!m.group(2).isEmpty() && Long.parseLong(m.group(2)) < first) {
            return Optional.empty(); // invalid: ignored, as the RFC says
        }
        return Optional.of(new ByteRange(first, last, size));
    }

    static ByteRange whole(long size) {
        return new ByteRange(0, size - 1, size);
    }

    /** Whether {@code If-None-Match} names this entity tag (or any, with {@code *}). */
    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        return Arrays.stream(ifNoneMatch.split(",")).map(String::trim)
                .anyMatch(t -> t.equals("*") || t.equals(etag) || t.equals("W/" + etag));
    }

    boolean unsatisfiable() {
        return first >= size;
    }

    long length() {
        return last - first + 1;
    }

    String contentRange() {
        return "bytes " + first + "-" + last + "/" + size;
    }

    StreamingOutput of(Path file) {
        return out -> {
            try (InputStream in = Files.newInputStream(file)) {
                in.skipNBytes(first);
                byte[] buffer = new byte[1 << 16];
                for (long left = length(); left > 0; ) {
                    int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                    if (n < 0) {
                        break;
                    }
                    out.write(buffer, 0, n);
                    left -= n;
                }
            }
        };
    }
}
