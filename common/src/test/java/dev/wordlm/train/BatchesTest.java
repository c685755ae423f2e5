package dev.wordlm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BatchesTest {
    // The reference: data.narrow(0, 0, nbatch * bsz).view(bsz, -1).t(): column b is the b-th contiguous slice.
    @Test
    void batchifyCutsContiguousColumns() {
        int[] tokens = new int[26];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = i; // a..z
        }
        Batches b = Batches.batchify(tokens, 4);
        assertEquals(6, b.rows()); // 26 // 4 = 6, the last two tokens are trimmed
        // column 0 = a b c d e f, column 1 = g h i j k l, ...
        assertEquals(0, b.at(0, 0));
        assertEquals(5, b.at(5, 0));
        assertEquals(6, b.at(0, 1));
        assertEquals(23, b.at(5, 3));
    }

    @Test
    void getBatchShiftsTargetsByOneRow() {
        int[] tokens = new int[24];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = i;
        }
        Batches b = Batches.batchify(tokens, 4); // rows = 6
        // bptt 4: chunks start at rows 0 and 4; the second is min(4, 6 - 1 - 4) = 1 row long
        assertEquals(4, b.chunkLength(0, 4));
        assertEquals(1, b.chunkLength(4, 4));
        assertArrayEquals(new long[] {0, 6, 12, 18, 1, 7, 13, 19}, b.inputs(0, 2));
        assertArrayEquals(new long[] {1, 7, 13, 19, 2, 8, 14, 20}, b.targets(0, 2));
        assertArrayEquals(new long[] {5, 11, 17, 23}, b.targets(4, 1));
        assertEquals(1, b.batchCount(4)); // the reference's log counts len(train_data) // bptt
        assertEquals(2, b.chunkCount(4), "the epoch runs both chunks");
        assertEquals(1, b.chunkCount(5), "rows 0..4 then the targets' last row: one chunk");
    }

    @Test
    void tooLittleDataIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Batches.batchify(new int[5], 4));
        assertEquals(true, e.getMessage().contains("too little data"));
    }
}
