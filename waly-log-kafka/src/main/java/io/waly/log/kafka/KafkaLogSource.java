package io.waly.log.kafka;

import io.waly.log.LogSource;
import io.waly.log.RecordReader;
import java.util.HexFormat;

/** A log on a Kafka topic, for readers. The topic's id (the log's id) is asked once, at the first reader. */
public final class KafkaLogSource implements LogSource {

    private final KafkaLocation location;
    private volatile byte[] logId;

    public KafkaLogSource(KafkaLocation location) {
        this.location = location;
    }

    public KafkaLocation location() {
        return location;
    }

    private byte[] id() {
        byte[] id = logId;
        if (id == null) logId = id = Topics.logId(location, false);
        return id;
    }

    @Override
    public RecordReader open() {
        return new KafkaRecordReader(location, id(), false);
    }

    /** A reader that accepts nothing it cannot check: it must start at the topic's beginning. */
    KafkaRecordReader openStrict() {
        return new KafkaRecordReader(location, id(), true);
    }

    @Override
    public String describe() {
        return location.toString();
    }

    @Override
    public String toString() {
        return describe();
    }

    /** The topic's id; an empty topic has an id too, but no log yet: null then, as for an empty directory. */
    @Override
    public String logIdHex() {
        return lastSeq() == 0 ? null : HexFormat.of().formatHex(id());
    }

    /** The position of the topic's last record: its end offset, asked of Kafka without reading. */
    @Override
    public long lastSeq() {
        try (KafkaRecordReader r = new KafkaRecordReader(location, id(), false)) {
            return r.endOffsetNow();
        }
    }

    @Override
    public Verification verify(String expectHead) {
        return TopicVerifier.verify(this, expectHead);
    }
}
