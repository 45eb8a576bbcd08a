package io.waly.log.format;

import io.waly.log.format.LogFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The segment files of a log directory, in sequence order. */
public final class Segments {
    private Segments() {}

    public static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            return new ArrayList<>(s.filter(p -> LogFormat.parseSegmentName(p.getFileName().toString()) >= 0)
                    .sorted(Comparator.comparingLong(p -> LogFormat.parseSegmentName(p.getFileName().toString())))
                    .toList());
        }
    }

    public static long firstSeq(Path segment) {
        return LogFormat.parseSegmentName(segment.getFileName().toString());
    }
}
