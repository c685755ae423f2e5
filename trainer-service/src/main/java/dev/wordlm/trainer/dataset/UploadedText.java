package dev.wordlm.trainer.dataset;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Checks an uploaded split before it is stored: present, UTF-8, at least one word. Streams, so any size works. */
final class UploadedText {
    private UploadedText() {
    }

    static Optional<String> problem(Path file) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        boolean hasWord = false;
        long offset = 0;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] chunk = new byte[1 << 16];
            ByteBuffer bytes = ByteBuffer.allocate(chunk.length + 8);
            CharBuffer chars = CharBuffer.allocate(chunk.length + 8);
            int n;
            while ((n = in.read(chunk)) > 0) {
                bytes.put(chunk, 0, n).flip();
                CoderResult result = decoder.decode(bytes, chars, false);
                if (result.isError()) {
                    return Optional.of("is not UTF-8 text (invalid bytes near offset " + (offset + bytes.position()) + ")");
                }
                offset += bytes.position();
                bytes.compact();
                hasWord |= containsWord(chars.flip());
                chars.clear();
            }
            bytes.flip();
            if (decoder.decode(bytes, chars, true).isError() || bytes.hasRemaining()) {
                return Optional.of("is not UTF-8 text (it ends inside a character)");
            }
            hasWord |= containsWord(chars.flip());
        } catch (IOException e) {
            return Optional.of("cannot be read: " + e.getMessage());
        }
        return hasWord ? Optional.empty() : Optional.of("is empty: it needs at least one line of text");
    }

    private static boolean containsWord(CharBuffer chars) {
        while (chars.hasRemaining()) {
            if (!Character.isWhitespace(chars.get())) {
                return true;
            }
        }
        return false;
    }
}
