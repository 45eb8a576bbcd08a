package io.waly.jdbc.sql;

import java.util.Set;

/**
 * Functions known to change nothing: a SELECT that calls only these (and SQL keywords that look like calls) is a
 * read. Any other function might write (a user function, {@code nextval}, {@code set_config}, {@code lo_*}), so a
 * SELECT calling it is logged. The list errs on the side of logging.
 */
final class ReadOnlyFunctions {
    private ReadOnlyFunctions() {}

    private static final Set<String> NAMES = Set.copyOf(java.util.Arrays.asList(
            // keywords followed by '(' in queries
            "in", "exists", "any", "all", "some", "values", "cast", "over", "filter", "within", "as", "from", "select",
            "where", "and", "or", "not", "on", "using", "row", "array", "coalesce", "nullif", "greatest", "least", "case",
            "when", "then", "else", "lateral", "join", "union", "intersect", "except", "by", "partition", "rows", "range",
            "groups", "between", "is", "distinct", "like", "ilike", "similar", "extract", "overlay", "position",
            "substring", "trim", "collate", "interval", "limit", "offset", "group", "order", "having", "window", "with",
            "recursive", "materialized", "grouping", "sets", "cube", "rollup", "tablesample", "only", "asc", "desc",
            "nulls", "first", "last", "for", "share", "key", "no", "nowait", "skip", "locked", "of", "fetch", "next",
            "ties", "table", "search", "cycle", "depth", "breadth", "set", "to", "xmlelement", "xmlforest", "xmlattributes",
            "char", "character", "varchar", "numeric", "decimal", "timestamp", "time", "date", "float", "double",
            "precision", "bit", "varbit", "int", "integer", "bigint", "smallint", "json", "jsonb", "text", "boolean",
            // aggregates and window functions
            "count", "sum", "avg", "min", "max", "array_agg", "string_agg", "json_agg", "jsonb_agg", "json_object_agg",
            "jsonb_object_agg", "bool_and", "bool_or", "every", "bit_and", "bit_or", "stddev", "stddev_pop", "stddev_samp",
            "variance", "var_pop", "var_samp", "percentile_cont", "percentile_disc", "mode", "corr", "covar_pop",
            "covar_samp", "regr_slope", "row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag",
            "lead", "first_value", "last_value", "nth_value", "xmlagg", "range_agg",
            // scalar
            "abs", "ceil", "ceiling", "floor", "round", "trunc", "sign", "sqrt", "cbrt", "power", "pow", "exp", "ln", "log",
            "log10", "mod", "div", "pi", "degrees", "radians", "sin", "cos", "tan", "asin", "acos", "atan", "atan2",
            "width_bucket", "scale", "gcd", "lcm", "factorial", "length", "char_length", "character_length", "octet_length",
            "bit_length", "lower", "upper", "initcap", "ltrim", "rtrim", "btrim", "lpad", "rpad", "replace", "translate",
            "reverse", "left", "right", "repeat", "split_part", "strpos", "concat", "concat_ws", "format", "md5", "sha224",
            "sha256", "sha384", "sha512", "encode", "decode", "ascii", "chr", "quote_ident", "quote_literal",
            "quote_nullable", "regexp_replace", "regexp_match", "regexp_matches", "regexp_split_to_array",
            "regexp_split_to_table", "regexp_count", "regexp_instr", "regexp_like", "regexp_substr", "starts_with",
            "to_char", "to_date", "to_number", "to_timestamp", "to_hex", "date_trunc", "date_part", "date_bin", "age",
            "make_date", "make_time", "make_timestamp", "make_timestamptz", "make_interval", "justify_days",
            "justify_hours", "justify_interval", "isfinite", "now", "current_timestamp", "current_date", "current_time",
            "localtime", "localtimestamp", "clock_timestamp", "statement_timestamp", "transaction_timestamp", "timeofday",
            "random", "random_normal", "gen_random_uuid", "generate_series", "generate_subscripts", "unnest",
            "array_length", "array_lower", "array_upper", "array_ndims", "array_dims", "array_position",
            "array_positions", "array_remove", "array_replace", "array_append", "array_prepend", "array_cat",
            "array_to_string", "string_to_array", "cardinality", "array_fill", "trim_array", "to_json", "to_jsonb",
            "row_to_json", "array_to_json", "json_build_object", "jsonb_build_object", "json_build_array",
            "jsonb_build_array", "json_object", "jsonb_object", "json_array_length", "jsonb_array_length", "json_each",
            "jsonb_each", "json_each_text", "jsonb_each_text", "json_extract_path", "jsonb_extract_path",
            "json_extract_path_text", "jsonb_extract_path_text", "json_object_keys", "jsonb_object_keys",
            "json_array_elements", "jsonb_array_elements", "json_array_elements_text", "jsonb_array_elements_text",
            "json_typeof", "jsonb_typeof", "jsonb_set", "jsonb_insert", "jsonb_pretty", "jsonb_strip_nulls",
            "json_strip_nulls", "jsonb_path_query", "jsonb_path_exists", "jsonb_path_match", "jsonb_path_query_array",
            "jsonb_path_query_first", "json_populate_record", "jsonb_populate_record", "json_to_record",
            "jsonb_to_record", "json_to_recordset", "jsonb_to_recordset", "isempty", "lower_inc", "upper_inc",
            "lower_inf", "upper_inf", "int4range", "int8range", "numrange", "tsrange", "tstzrange", "daterange",
            "to_tsvector", "to_tsquery", "plainto_tsquery", "phraseto_tsquery", "websearch_to_tsquery", "ts_rank",
            "ts_rank_cd", "ts_headline", "setweight", "host", "masklen", "netmask", "family", "inet_same_family",
            "current_user", "session_user", "user", "current_schema", "current_schemas", "current_database",
            "current_catalog", "current_setting", "version", "pg_backend_pid", "inet_client_addr", "inet_server_addr",
            "pg_typeof", "format_type", "pg_get_expr", "pg_get_indexdef", "pg_get_constraintdef", "pg_get_viewdef",
            "pg_get_functiondef", "pg_get_serial_sequence", "pg_get_keywords", "pg_table_is_visible",
            "pg_type_is_visible", "pg_function_is_visible", "has_table_privilege", "has_schema_privilege",
            "has_database_privilege", "has_column_privilege", "has_function_privilege", "pg_has_role", "obj_description",
            "col_description", "shobj_description", "pg_relation_size", "pg_total_relation_size", "pg_table_size",
            "pg_indexes_size", "pg_database_size", "pg_size_pretty", "pg_column_size", "to_regclass", "to_regtype",
            "to_regproc", "to_regnamespace", "pg_encoding_to_char", "pg_postmaster_start_time", "pg_is_in_recovery",
            "pg_last_wal_replay_lsn", "pg_current_wal_lsn", "txid_status", "pg_xact_status", "pg_sleep",
            "pg_try_advisory_lock", "pg_advisory_lock", "pg_advisory_unlock", "pg_advisory_xact_lock",
            "pg_try_advisory_xact_lock", "pg_advisory_unlock_all", "pg_try_advisory_lock_shared",
            "pg_advisory_lock_shared", "pg_advisory_unlock_shared", "pg_advisory_xact_lock_shared",
            "pg_try_advisory_xact_lock_shared", "pg_listening_channels", "pg_notification_queue_usage",
            "pg_get_userbyid", "pg_get_partkeydef", "pg_get_statisticsobjdef", "pg_get_triggerdef", "pg_get_ruledef",
            "pg_get_function_arguments", "pg_get_function_result", "pg_get_function_identity_arguments",
            "pg_index_column_has_property", "pg_indexam_has_property", "pg_index_has_property", "pg_options_to_table",
            "pg_tablespace_location", "array_in", "textin", "textout", "int4", "int8", "int2", "float4", "float8", "bool",
            "hashtext", "digest", "crypt", "gen_salt", "bool_or", "st_astext", "st_geomfromtext", "point", "circle",
            "box", "lseg", "path", "polygon", "area", "center", "diameter", "radius", "num_nonnulls", "num_nulls",
            "string_to_table", "unistr", "normalize", "is_normalized", "convert", "convert_from", "convert_to",
            "get_byte", "set_byte", "get_bit", "set_bit", "bit_count", "substr", "overlay", "ascii",
            // SQL/XML mappings: they read a cursor, a table, a schema or the database (query_to_xml runs its query
            // read-only)
            "cursor_to_xml", "cursor_to_xmlschema", "query_to_xml", "query_to_xmlschema", "query_to_xml_and_xmlschema",
            "table_to_xml", "table_to_xmlschema", "table_to_xml_and_xmlschema", "schema_to_xml", "schema_to_xmlschema",
            "schema_to_xml_and_xmlschema", "database_to_xml", "database_to_xmlschema", "database_to_xml_and_xmlschema"));

    static boolean isReadOnly(String lowerName) {
        return NAMES.contains(lowerName);
    }
}
