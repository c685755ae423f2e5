package dev.wordlm.train;

/**
 * A token stream laid out as the reference's {@code batchify}: trimmed to a multiple of {@code batchSize},
 * cut into {@code batchSize} contiguous columns, stored time-major ({@code rows x batchSize}).
 * {@link #inputs}/{@link #targets} are its {@code get_batch}: rows {@code i..i+len} and the same rows shifted by one.
 */
public final class Batches {
    private final long[] data;
    private final int rows;
    private final int batchSize;

    private Batches(long[] data, int rows, int batchSize) {
        this.data = data;
        this.rows = rows;
        this.batchSize = batchSize;
    }

    public static Batches batchify(int[] tokens, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        int rows = tokens.length / batchSize;
        if (rows < 2) {
            throw new IllegalArgumentException("too little data: " + tokens.length + " tokens cannot make two rows of "
                    + batchSize + " columns (use a smaller batch size or more text)");
        }
        long[] data = new long[rows * batchSize];
        for (int b = 0; b < batchSize; b++) {
            for (int r = 0; r < rows; r++) {
                data[r * batchSize + b] = tokens[b * rows + r];
            }
        }
        return new Batches(data, rows, batchSize);
    }

    /** Rows, i.e. time steps: {@code len(data)} in the reference. */
    public int rows() {
        return rows;
    }

    public int batchSize() {
        return batchSize;
    }

    /** Length of the chunk starting at row {@code i}: {@code min(bptt, rows - 1 - i)}. */
    public int chunkLength(int i, int bptt) {
        return Math.min(bptt, rows - 1 - i);
    }

    /** Rows {@code i .. i+len-1}, row-major (len x batchSize). */
    public long[] inputs(int i, int len) {
        long[] out = new long[len * batchSize];
        System.arraycopy(data, i * batchSize, out, 0, out.length);
        return out;
    }

    /** Rows {@code i+1 .. i+len}, flattened: the next token of each input. */
    public long[] targets(int i, int len) {
        return inputs(i + 1, len);
    }

    /** Number of training batches as the reference counts them in its log: {@code rows // bptt}. */
    public int batchCount(int bptt) {
        return rows / bptt;
    }

    /**
     * Number of chunks an epoch runs, {@code ceil((rows - 1) / bptt)}: one more than {@link #batchCount} when the last
     * chunk is short, as in the reference, whose log counts only the full ones.
     */
    public int chunkCount(int bptt) {
        return (rows - 1 + bptt - 1) / bptt;
    }

    /** Element at (row, column), for tests. */
    public long at(int row, int column) {
        return data[row * batchSize + column];
    }
}
