package net.sf.jsqlparser.parser;

/** The application's own "JSqlParser": WAL-y must never load it (its copy is relocated). */
public class CCJSqlParserUtil {
    static {
        if (true) throw new IllegalStateException("the application's CCJSqlParserUtil was loaded by someone else");
    }
}
