package dev.wordlm.generator.model;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body collected into one array sized for the announced file, failing (and cancelling the transfer) as
 * soon as it exceeds {@code maxBytes}: a bound on memory whatever the server sends.
 */
final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final long maxBytes;
    private final CheckpointRef ref;
    private final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private byte[] bytes;
    private int size;
    private Flow.Subscription subscription;

    LimitedBody(long maxBytes, CheckpointRef ref) {
        this.maxBytes = Math.min(maxBytes, Integer.MAX_VALUE - 8);
        this.ref = ref;
        long expected = ref.sizeBytes() > 0 ? Math.min(ref.sizeBytes(), this.maxBytes) : 1 << 16;
        this.bytes = new byte[(int) Math.max(1, expected)];
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        for (ByteBuffer buffer : buffers) {
            int n = buffer.remaining();
            if ((long) size + n > maxBytes) {
                subscription.cancel();
                body.completeExceptionally(new CheckpointRejectedException(ref.checkpointId(), "size",
                        "checkpoint " + ref.checkpointId() + " is larger than the limit of " + maxBytes + " bytes"));
                return;
            }
            if (size + n > bytes.length) {
                byte[] grown = new byte[(int) Math.min(maxBytes, Math.max((long) bytes.length * 2, (long) size + n))];
                System.arraycopy(bytes, 0, grown, 0, size);
                bytes = grown;
            }
            buffer.get(bytes, size, n);
            size += n;
        }
    }

    @Override
    public void onError(Throwable error) {
        body.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        // A download of exactly the announced size is handed over as it is, not copied again.
        body.complete(size == bytes.length ? bytes : Arrays.copyOf(bytes, size));
    }
}
