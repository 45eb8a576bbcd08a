package io.waly.log.write;

import java.nio.file.Path;

/**
 * What opening a log for writing found: where it ends, and what was cut off. A torn tail is the normal trace of a
 * crash mid-write; it never held a durable record (a durable record is followed by nothing torn before it).
 */
public record Recovery(long lastSeq, long segments, Path tornSegment, long tornOffset, long tornBytes, String tornReason,
                       boolean removedEmptySegment) {
    public boolean cutTornTail() {
        return tornSegment != null;
    }

    @Override
    public String toString() {
        if (!cutTornTail()) return "log ends cleanly at sequence " + lastSeq;
        return "cut a torn tail of " + tornBytes + " bytes at offset " + tornOffset + " of " + tornSegment.getFileName()
                + " (" + tornReason + "); log ends at sequence " + lastSeq;
    }
}
