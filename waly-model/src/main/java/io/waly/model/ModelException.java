package io.waly.model;

/**
 * A model file that cannot be used: its message names the file, the line and the column of the problem, and what to
 * change ("waly-model.yaml, line 12, column 14: unknown table acounts (declare it under tables:)").
 */
public final class ModelException extends IllegalArgumentException {
    private final String source;
    private final int line;
    private final int column;

    public ModelException(String source, int line, int column, String problem) {
        super(source + (line > 0 ? ", line " + line + (column > 0 ? ", column " + column : "") : "") + ": " + problem);
        this.source = source;
        this.line = line;
        this.column = column;
    }

    /** The file (or the name the text was given). */
    public String source() {
        return source;
    }

    /** 1-based; 0 when the problem has no place in the file (it cannot be read). */
    public int line() {
        return line;
    }

    public int column() {
        return column;
    }
}
