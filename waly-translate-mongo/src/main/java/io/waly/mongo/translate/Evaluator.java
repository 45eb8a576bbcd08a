package io.waly.mongo.translate;

import io.waly.command.Expr;
import io.waly.command.Value;
import io.waly.command.Value.Kind;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Evaluates expressions of the command model with PostgreSQL's semantics: three-valued logic, integer division that
 * truncates, numeric scales as PostgreSQL computes them, text comparison by code point (the "C" collation), the
 * unknown-typed literal taking the type of the other operand. Used for VALUES and SET expressions, for defaults, and
 * for WHERE clauses that have no MongoDB filter (evaluated against each document). What it cannot evaluate exactly is
 * {@link UntranslatableException}, never an approximation.
 */
public final class Evaluator {

    /** Where a column reference gets its value: the current document, or for ON CONFLICT also EXCLUDED. */
    @FunctionalInterface
    public interface Row {
        Value get(String table, String column);

        Row NONE = (table, column) -> {
            throw new UntranslatableException("column " + (table == null ? "" : table + ".") + column
                    + " is referenced where no row is available");
        };
    }

    /** Functions whose result differs on every call: exact only through the statement's recorded effects. */
    static final Set<String> VOLATILE = Set.of("now", "current_timestamp", "current_date", "current_time", "localtimestamp",
            "localtime", "clock_timestamp", "statement_timestamp", "transaction_timestamp", "timeofday", "random",
            "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v4", "nextval", "currval", "setval", "lastval",
            "txid_current", "pg_backend_pid", "random_normal");

    private final List<Value> params;
    private final ZoneId zone;

    public Evaluator(List<Value> params, ZoneId zone) {
        this.params = params == null ? List.of() : params;
        this.zone = zone;
    }

    public ZoneId zone() {
        return zone;
    }

    /** Throws if {@code e} cannot be evaluated (a volatile or unknown function, raw SQL, a DEFAULT out of place). */
    public static void checkEvaluable(Expr e) {
        if (e == null) return;
        if (e instanceof Expr.Raw r) throw new UntranslatableException("expression with no structured form (" + r.sql() + ")");
        if (e instanceof Expr.Func f) {
            String n = funcName(f.name());
            if (VOLATILE.contains(n)) throw new UntranslatableException("volatile function " + n + "() without recorded effects");
            if (!KNOWN.contains(n)) throw new UntranslatableException("function " + f.name() + "() has no known semantics");
        }
        for (Expr c : children(e)) checkEvaluable(c);
    }

    /** The direct sub-expressions of an expression. */
    public static List<Expr> children(Expr e) {
        if (e instanceof Expr.Func f) return f.args();
        if (e instanceof Expr.Arith a) return List.of(a.left(), a.right());
        if (e instanceof Expr.Negate n) return List.of(n.operand());
        if (e instanceof Expr.Compare c) return List.of(c.left(), c.right());
        if (e instanceof Expr.And a) return a.terms();
        if (e instanceof Expr.Or o) return o.terms();
        if (e instanceof Expr.Not n) return List.of(n.operand());
        if (e instanceof Expr.In i) {
            List<Expr> l = new java.util.ArrayList<>(i.list());
            l.add(0, i.operand());
            return l;
        }
        if (e instanceof Expr.IsNull i) return List.of(i.operand());
        if (e instanceof Expr.Between b) return List.of(b.operand(), b.low(), b.high());
        if (e instanceof Expr.Like l) return List.of(l.operand(), l.pattern());
        if (e instanceof Expr.Cast c) return List.of(c.operand());
        return List.of();
    }

    /** True when the expression references no column (a constant once the parameters are bound). */
    public static boolean isConstant(Expr e) {
        if (e instanceof Expr.Literal || e instanceof Expr.Param) return true;
        if (e instanceof Expr.Cast || e instanceof Expr.Negate || e instanceof Expr.Arith) {
            return children(e).stream().allMatch(Evaluator::isConstant);
        }
        if (e instanceof Expr.Func f) return KNOWN.contains(funcName(f.name())) && f.args().stream().allMatch(Evaluator::isConstant);
        return false;
    }

    // ---------------------------------------------------------------- values

    public Value eval(Expr e, Row row) {
        if (e instanceof Expr.Literal l) return l.value() == null ? Value.NULL : l.value();
        if (e instanceof Expr.Param p) {
            if (p.index() < 1 || p.index() > params.size()) throw new UntranslatableException("parameter $" + p.index() + " is not bound");
            Value v = params.get(p.index() - 1);
            return v == null ? Value.NULL : v;
        }
        if (e instanceof Expr.Column c) return row.get(c.table(), c.name());
        if (e instanceof Expr.Cast c) return Types.coerce(eval(c.operand(), row), ColumnType.parse(c.type()), zone);
        if (e instanceof Expr.Negate n) return negate(eval(n.operand(), row));
        if (e instanceof Expr.Arith a) return arith(a.op(), eval(a.left(), row), eval(a.right(), row));
        if (e instanceof Expr.Func f) return func(funcName(f.name()), f, row);
        if (e instanceof Expr.Default) throw new UntranslatableException("DEFAULT outside VALUES or SET");
        if (e instanceof Expr.Raw r) throw new UntranslatableException("expression with no structured form (" + r.sql() + ")");
        Boolean b = truth(e, row);
        return b == null ? Value.nullOf("boolean") : Value.bool(b);
    }

    /** SQL truth: TRUE, FALSE or null for UNKNOWN. */
    public Boolean truth(Expr e, Row row) {
        if (e instanceof Expr.And a) {
            boolean unknown = false;
            for (Expr t : a.terms()) {
                Boolean b = truth(t, row);
                if (b == null) unknown = true;
                else if (!b) return false;
            }
            return unknown ? null : true;
        }
        if (e instanceof Expr.Or o) {
            boolean unknown = false;
            for (Expr t : o.terms()) {
                Boolean b = truth(t, row);
                if (b == null) unknown = true;
                else if (b) return true;
            }
            return unknown ? null : false;
        }
        if (e instanceof Expr.Not n) {
            Boolean b = truth(n.operand(), row);
            return b == null ? null : !b;
        }
        if (e instanceof Expr.Compare c) {
            Integer cmp = compare(eval(c.left(), row), eval(c.right(), row));
            if (cmp == null) return null;
            return switch (c.op()) {
                case "=" -> cmp == 0;
                case "<>", "!=" -> cmp != 0;
                case "<" -> cmp < 0;
                case "<=" -> cmp <= 0;
                case ">" -> cmp > 0;
                case ">=" -> cmp >= 0;
                default -> throw new UntranslatableException("comparison operator " + c.op());
            };
        }
        if (e instanceof Expr.IsNull i) {
            boolean isNull = eval(i.operand(), row).isNull();
            return i.negated() != isNull;
        }
        if (e instanceof Expr.In in) {
            Value v = eval(in.operand(), row);
            boolean unknown = v.isNull();
            boolean found = false;
            if (!unknown) {
                for (Expr x : in.list()) {
                    Integer cmp = compare(v, eval(x, row));
                    if (cmp == null) unknown = true;
                    else if (cmp == 0) {
                        found = true;
                        break;
                    }
                }
            }
            Boolean r = found ? Boolean.TRUE : unknown ? null : Boolean.FALSE;
            return r == null ? null : in.negated() != r;
        }
        if (e instanceof Expr.Between b) {
            Value v = eval(b.operand(), row);
            Integer lo = compare(v, eval(b.low(), row));
            Integer hi = compare(v, eval(b.high(), row));
            Boolean geLo = lo == null ? null : lo >= 0;
            Boolean leHi = hi == null ? null : hi <= 0;
            Boolean r = (Boolean.FALSE.equals(geLo) || Boolean.FALSE.equals(leHi)) ? Boolean.FALSE
                    : (geLo == null || leHi == null) ? null : Boolean.TRUE;
            return r == null ? null : b.negated() != r;
        }
        if (e instanceof Expr.Like l) {
            Value v = eval(l.operand(), row);
            Value p = eval(l.pattern(), row);
            if (v.isNull() || p.isNull()) return null;
            int flags = Pattern.DOTALL | (l.caseInsensitive() ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
            boolean m = Pattern.compile(likeToRegex(Types.text(p)), flags).matcher(Types.text(v)).matches();
            return l.negated() != m;
        }
        {
            Value v = eval(e, row);
            if (v.isNull()) return null;
            return Types.toBool(v);
        }
    }

    /** LIKE pattern as an anchored regular expression (backslash is the escape character, as in PostgreSQL). */
    public static String likeToRegex(String like) {
        StringBuilder sb = new StringBuilder("^");
        StringBuilder lit = new StringBuilder();
        for (int i = 0; i < like.length(); i++) {
            char c = like.charAt(i);
            if (c == '\\' && i + 1 < like.length()) {
                lit.append(like.charAt(++i));
            } else if (c == '%' || c == '_') {
                if (!lit.isEmpty()) sb.append(Pattern.quote(lit.toString()));
                lit.setLength(0);
                sb.append(c == '%' ? ".*" : ".");
            } else {
                lit.append(c);
            }
        }
        if (!lit.isEmpty()) sb.append(Pattern.quote(lit.toString()));
        return sb.append('$').toString();
    }

    /** Comparison with PostgreSQL's rules; null when either side is NULL. */
    public Integer compare(Value a, Value b) {
        if (a.isNull() || b.isNull()) return null;
        // an untyped literal takes the type of the other side
        if (isTextual(a) && !isTextual(b)) a = Types.coerce(a, typeOf(b), zone);
        else if (isTextual(b) && !isTextual(a)) b = Types.coerce(b, typeOf(a), zone);
        if (isNumber(a) && isNumber(b)) {
            if (a.value() instanceof Double || b.value() instanceof Double) return Double.compare(Types.toDouble(a), Types.toDouble(b));
            return Types.toBigDecimal(a).compareTo(Types.toBigDecimal(b));
        }
        if (isTemporal(a) && isTemporal(b)) return compareTemporal(a, b);
        Object x = a.value(), y = b.value();
        if (x instanceof String s && y instanceof String t) return compareCodePoints(s, t);
        if (x instanceof Boolean p && y instanceof Boolean q) return Boolean.compare(p, q);
        if (x instanceof byte[] p && y instanceof byte[] q) return java.util.Arrays.compareUnsigned(p, q);
        throw new UntranslatableException("cannot compare " + a.kind().tag + " with " + b.kind().tag);
    }

    static int compareCodePoints(String s, String t) {
        int i = 0, j = 0;
        while (i < s.length() && j < t.length()) {
            int c = s.codePointAt(i), d = t.codePointAt(j);
            if (c != d) return Integer.compare(c, d);
            i += Character.charCount(c);
            j += Character.charCount(d);
        }
        return Integer.compare(s.length() - i, t.length() - j);
    }

    private static boolean isTextual(Value v) {
        return v.kind() == Kind.TEXT;
    }

    private static boolean isNumber(Value v) {
        return switch (v.kind()) {
            case INT2, INT4, INT8, NUMERIC, FLOAT4, FLOAT8 -> !(v.value() instanceof String);
            default -> false;
        };
    }

    private static boolean isTemporal(Value v) {
        return v.kind() == Kind.DATE || v.kind() == Kind.TIMESTAMP || v.kind() == Kind.TIMESTAMPTZ;
    }

    private int compareTemporal(Value a, Value b) {
        Value ca = Types.coerce(a, typeOf(a), zone), cb = Types.coerce(b, typeOf(b), zone);
        if (ca.kind() == Kind.TIMESTAMPTZ || cb.kind() == Kind.TIMESTAMPTZ) return instant(ca).compareTo(instant(cb));
        return local(ca).compareTo(local(cb));
    }

    private Instant instant(Value v) {
        if (v.kind() == Kind.TIMESTAMPTZ) return Types.instantOf(v);
        return local(v).atZone(zone).toInstant();
    }

    private static LocalDateTime local(Value v) {
        String s = (String) v.value();
        if (s.equals("infinity")) return LocalDateTime.MAX;
        if (s.equals("-infinity")) return LocalDateTime.MIN;
        return v.kind() == Kind.DATE ? LocalDate.parse(s).atStartOfDay() : Types.parseTemporal(s).local();
    }

    /** The column type a value of this kind has. */
    public static ColumnType typeOf(Value v) {
        return ColumnType.parse(switch (v.kind()) {
            case NULL, TEXT, OTHER, XML -> "text";
            case BOOL -> "bool";
            case INT2 -> "int2";
            case INT4 -> "int4";
            case INT8 -> "int8";
            case FLOAT4 -> "float4";
            case FLOAT8 -> "float8";
            case NUMERIC -> "numeric";
            case BYTES -> "bytea";
            case DATE -> "date";
            case TIME -> "time";
            case TIMETZ -> "timetz";
            case TIMESTAMP -> "timestamp";
            case TIMESTAMPTZ -> "timestamptz";
            case UUID -> "uuid";
            case JSON -> "jsonb";
            case INTERVAL -> "interval";
            case ARRAY -> (v.typeName() == null ? "text" : v.typeName()) + "[]";
        });
    }

    // ---------------------------------------------------------------- arithmetic

    private static Value negate(Value v) {
        if (v.isNull()) return v;
        Object o = v.value();
        if (o instanceof Long l) return new Value(v.kind(), Math.negateExact(l), null);
        if (o instanceof BigDecimal d) return Value.numeric(d.negate());
        if (o instanceof Double d) return new Value(v.kind(), -d, null);
        if (o instanceof String s) return negate(Types.coerce(v, ColumnType.parse(s.contains(".") ? "numeric" : "int8"), ZoneId.of("UTC")));
        throw new UntranslatableException("cannot negate " + v);
    }

    Value arith(String op, Value a, Value b) {
        if (a.isNull() || b.isNull()) return Value.NULL;
        if (op.equals("||")) {
            if (a.kind() == Kind.ARRAY || b.kind() == Kind.ARRAY) throw new UntranslatableException("array concatenation");
            return Value.text(Types.text(a) + Types.text(b));
        }
        if (a.kind() == Kind.DATE || b.kind() == Kind.DATE) return dateArith(op, a, b);
        if (isTextual(a) && isNumber(b)) a = Types.coerce(a, typeOf(b), zone);
        if (isTextual(b) && isNumber(a)) b = Types.coerce(b, typeOf(a), zone);
        if (!isNumber(a) || !isNumber(b)) throw new UntranslatableException("arithmetic " + a.kind().tag + " " + op + " " + b.kind().tag);
        try {
            if (a.value() instanceof Double || b.value() instanceof Double) {
                double x = Types.toDouble(a), y = Types.toDouble(b);
                if ((op.equals("/") || op.equals("%")) && y == 0) throw new UntranslatableException("division by zero");
                double r = switch (op) {
                    case "+" -> x + y;
                    case "-" -> x - y;
                    case "*" -> x * y;
                    case "/" -> x / y;
                    case "%" -> x % y;
                    default -> throw new UntranslatableException("operator " + op);
                };
                return Value.float8(r);
            }
            if (a.value() instanceof Long x && b.value() instanceof Long y) {
                Kind k = a.kind() == Kind.INT8 || b.kind() == Kind.INT8 ? Kind.INT8 : Kind.INT4;
                if ((op.equals("/") || op.equals("%")) && y == 0) throw new UntranslatableException("division by zero");
                long r = switch (op) {
                    case "+" -> Math.addExact(x, y);
                    case "-" -> Math.subtractExact(x, y);
                    case "*" -> Math.multiplyExact(x, y);
                    case "/" -> x / y;
                    case "%" -> x % y;
                    default -> throw new UntranslatableException("operator " + op);
                };
                return new Value(k, r, null);
            }
            BigDecimal x = Types.toBigDecimal(a), y = Types.toBigDecimal(b);
            if ((op.equals("/") || op.equals("%")) && y.signum() == 0) throw new UntranslatableException("division by zero");
            return Value.numeric(switch (op) {
                case "+" -> x.add(y);
                case "-" -> x.subtract(y);
                case "*" -> x.multiply(y);
                case "/" -> numericDivide(x, y);
                case "%" -> x.remainder(y);
                default -> throw new UntranslatableException("operator " + op);
            });
        } catch (ArithmeticException e) {
            throw new UntranslatableException("arithmetic overflow in " + a + " " + op + " " + b);
        }
    }

    private Value dateArith(String op, Value a, Value b) {
        if (isTextual(a)) a = Types.coerce(a, ColumnType.parse("date"), zone);
        if (isTextual(b) && op.equals("-") && b.kind() != Kind.DATE) b = Types.coerce(b, ColumnType.parse("date"), zone);
        if (a.kind() == Kind.DATE && b.value() instanceof Long n && (op.equals("+") || op.equals("-"))) {
            LocalDate d = LocalDate.parse((String) a.value());
            return new Value(Kind.DATE, (op.equals("+") ? d.plusDays(n) : d.minusDays(n)).toString(), null);
        }
        if (b.kind() == Kind.DATE && a.value() instanceof Long n && op.equals("+")) return dateArith(op, b, a);
        if (a.kind() == Kind.DATE && b.kind() == Kind.DATE && op.equals("-")) {
            return Value.int4(LocalDate.parse((String) a.value()).toEpochDay() - LocalDate.parse((String) b.value()).toEpochDay());
        }
        throw new UntranslatableException("date/time arithmetic " + a.kind().tag + " " + op + " " + b.kind().tag);
    }

    /** numeric division with PostgreSQL's result scale (select_div_scale in numeric.c), rounded half away from zero. */
    static BigDecimal numericDivide(BigDecimal x, BigDecimal y) {
        int qweight = nbaseWeight(x) - nbaseWeight(y);
        if (nbaseFirstDigit(x) <= nbaseFirstDigit(y)) qweight--;
        int rscale = 16 - qweight * 4;
        rscale = Math.max(rscale, Math.max(x.scale(), 0));
        rscale = Math.max(rscale, Math.max(y.scale(), 0));
        rscale = Math.min(Math.max(rscale, 0), 1000);
        return x.divide(y, rscale, RoundingMode.HALF_UP);
    }

    private static int nbaseWeight(BigDecimal d) {
        if (d.signum() == 0) return 0;
        int e = d.precision() - d.scale() - 1;   // position of the leading decimal digit
        return Math.floorDiv(e, 4);
    }

    private static int nbaseFirstDigit(BigDecimal d) {
        if (d.signum() == 0) return 0;
        return d.abs().movePointLeft(4 * nbaseWeight(d)).setScale(0, RoundingMode.DOWN).intValue();
    }

    // ---------------------------------------------------------------- functions

    static final Set<String> KNOWN = Set.of("lower", "upper", "length", "char_length", "character_length", "abs",
            "coalesce", "nullif", "greatest", "least", "btrim", "trim", "ltrim", "rtrim", "concat", "substr", "substring",
            "replace", "round", "trunc", "floor", "ceil", "ceiling", "mod", "left", "right", "sign");

    static String funcName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.startsWith("pg_catalog.")) n = n.substring("pg_catalog.".length());
        return n;
    }

    private Value func(String name, Expr.Func f, Row row) {
        if (VOLATILE.contains(name)) throw new UntranslatableException("volatile function " + name + "() without recorded effects");
        List<Expr> args = f.args();
        switch (name) {
            case "coalesce" -> {
                for (Expr a : args) {
                    Value v = eval(a, row);
                    if (!v.isNull()) return v;
                }
                return Value.NULL;
            }
            case "concat" -> {
                StringBuilder sb = new StringBuilder();
                for (Expr a : args) {
                    Value v = eval(a, row);
                    if (!v.isNull()) sb.append(Types.text(v));
                }
                return Value.text(sb.toString());
            }
            case "greatest", "least" -> {
                Value best = Value.NULL;
                for (Expr a : args) {
                    Value v = eval(a, row);
                    if (v.isNull()) continue;
                    if (best.isNull()) best = v;
                    else {
                        int c = compare(v, best);
                        if (name.equals("greatest") ? c > 0 : c < 0) best = v;
                    }
                }
                return best;
            }
            case "nullif" -> {
                Value a = eval(args.get(0), row), b = eval(args.get(1), row);
                Integer c = compare(a, b);
                return c != null && c == 0 ? Value.NULL : a;
            }
            default -> { }
        }
        Value[] v = new Value[args.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = eval(args.get(i), row);
            if (v[i].isNull()) return Value.NULL;   // the remaining functions are strict
        }
        switch (name) {
            case "lower" -> {
                return Value.text(Types.text(v[0]).toLowerCase(Locale.ROOT));
            }
            case "upper" -> {
                return Value.text(Types.text(v[0]).toUpperCase(Locale.ROOT));
            }
            case "length", "char_length", "character_length" -> {
                String s = Types.text(v[0]);
                return Value.int4(s.codePointCount(0, s.length()));
            }
            case "btrim", "trim", "ltrim", "rtrim" -> {
                String s = Types.text(v[0]);
                String chars = v.length > 1 ? Types.text(v[1]) : " ";
                int b = 0, e = s.length();
                if (!name.equals("rtrim")) while (b < e && chars.indexOf(s.charAt(b)) >= 0) b++;
                if (!name.equals("ltrim")) while (e > b && chars.indexOf(s.charAt(e - 1)) >= 0) e--;
                return Value.text(s.substring(b, e));
            }
            case "substr", "substring" -> {
                String s = Types.text(v[0]);
                long from = Types.toLong(v[1]);
                long len = v.length > 2 ? Types.toLong(v[2]) : Long.MAX_VALUE / 4;
                long start = Math.max(1, from), end = from + len;   // PostgreSQL: positions from..from+len-1, clipped
                int n = s.codePointCount(0, s.length());
                if (end <= start || start > n) return Value.text("");
                int bi = s.offsetByCodePoints(0, (int) (start - 1));
                int ei = s.offsetByCodePoints(0, (int) Math.min(n, end - 1));
                return Value.text(s.substring(bi, ei));
            }
            case "replace" -> {
                String from = Types.text(v[1]);
                return Value.text(from.isEmpty() ? Types.text(v[0]) : Types.text(v[0]).replace(from, Types.text(v[2])));
            }
            case "left", "right" -> {
                String s = Types.text(v[0]);
                int n = s.codePointCount(0, s.length());
                long k = Types.toLong(v[1]);
                long keep = k >= 0 ? Math.min(k, n) : Math.max(0, n + k);
                int cut = name.equals("left") ? s.offsetByCodePoints(0, (int) keep) : s.offsetByCodePoints(0, (int) (n - keep));
                return Value.text(name.equals("left") ? s.substring(0, cut) : s.substring(cut));
            }
            case "abs" -> {
                Object o = v[0].value();
                if (o instanceof Long l) return new Value(v[0].kind(), Math.absExact(l), null);
                if (o instanceof Double d) return new Value(v[0].kind(), Math.abs(d), null);
                return Value.numeric(Types.toBigDecimal(v[0]).abs());
            }
            case "sign" -> {
                Object o = v[0].value();
                if (o instanceof Double d) return Value.float8(Math.signum(d));
                return Value.numeric(BigDecimal.valueOf(Types.toBigDecimal(v[0]).signum()));
            }
            case "mod" -> {
                return arith("%", v[0], v[1]);
            }
            case "round", "trunc", "floor", "ceil", "ceiling" -> {
                if (v[0].value() instanceof Double d) {
                    if (v.length > 1) throw new UntranslatableException(name + "(double precision, integer) does not exist");
                    return Value.float8(switch (name) {
                        case "round" -> Math.rint(d);   // float rounding: half to even, like C's rint
                        case "trunc" -> d < 0 ? Math.ceil(d) : Math.floor(d);
                        case "floor" -> Math.floor(d);
                        default -> Math.ceil(d);
                    });
                }
                BigDecimal d = Types.toBigDecimal(v[0]);
                int places = v.length > 1 ? (int) Types.toLong(v[1]) : 0;
                RoundingMode m = switch (name) {
                    case "round" -> RoundingMode.HALF_UP;
                    case "trunc" -> RoundingMode.DOWN;
                    case "floor" -> RoundingMode.FLOOR;
                    default -> RoundingMode.CEILING;
                };
                BigDecimal r = d.setScale(places, m);
                if (places < 0) r = r.setScale(0, RoundingMode.UNNECESSARY);
                if (v[0].value() instanceof Long && name.equals("round") && v.length == 1) return Value.numeric(r);
                return Value.numeric(r);
            }
            default -> throw new UntranslatableException("function " + f.name() + "() has no known semantics");
        }
    }

    // ---------------------------------------------------------------- defaults

    /**
     * The value a column takes when a row leaves it out: its DEFAULT evaluated when that is a constant expression
     * ({@code 0}, {@code 'x'::text}, {@code -1.5}, {@code DATE '2024-01-31'}, {@code lower('X')}), NULL without one. A value
     * drawn from a sequence (serial, identity, nextval), made by a volatile function or by a generated column's
     * expression is exact only through the statement's recorded effects: untranslatable here.
     */
    public Value defaultValue(Catalog.Column c) {
        Expr d = c.defaultValue();
        if (c.generated() || d == null && c.type() != null && c.type().isSerial() || call(d, Set.of("nextval")) != null) {
            throw sequenceDefault(c.name());
        }
        if (d == null) return Value.NULL;
        String volatileCall = call(d, VOLATILE);
        if (volatileCall != null) {
            throw new UntranslatableException("column " + c.name() + " defaults to the volatile " + volatileCall
                    + "() and the statement has no recorded effects");
        }
        if (!isConstant(d)) throw new UntranslatableException("column " + c.name() + " has a default with no known value (" + d + ")");
        return eval(d, Row.NONE);
    }

    /** The first function of {@code names} that {@code e} calls, or null. */
    private static String call(Expr e, Set<String> names) {
        if (e == null) return null;
        if (e instanceof Expr.Func f && names.contains(funcName(f.name()))) return funcName(f.name());
        for (Expr c : children(e)) {
            String found = call(c, names);
            if (found != null) return found;
        }
        return null;
    }

    private static UntranslatableException sequenceDefault(String column) {
        return new UntranslatableException("column " + column + " takes its value from a sequence or is generated, and the"
                + " statement has no recorded effects (rows)");
    }
}
