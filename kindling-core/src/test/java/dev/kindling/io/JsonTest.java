package dev.kindling.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void parsesValuesKeepingKeyOrder() {
        Map<String, Object> m = Json.parseObject(
                " {\"z\": 1, \"a\": [true, false, null, -0, 1.5e3, -2.25, 9223372036854775807, 12345678901234567890 ], "
                        + "\"s\": \"q\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00 漢\", \"o\": {}} ");
        assertThat(m.keySet()).containsExactly("z", "a", "s", "o");
        assertThat(m.get("z")).isEqualTo(1L);
        @SuppressWarnings("unchecked")
        List<Object> a = (List<Object>) m.get("a");
        assertThat(a).containsExactly(true, false, null, 0L, 1500.0, -2.25, Long.MAX_VALUE, 1.2345678901234567e19);
        assertThat(m.get("s")).isEqualTo("q\"\\/\b\f\n\r\té😀 漢");
        assertThat(m.get("o")).isEqualTo(Map.of());
        assertThat(Json.getLong(m, "z", 0)).isEqualTo(1);
        assertThat(Json.getString(m, "missing", "d")).isEqualTo("d");
        assertThatThrownBy(() -> Json.getLong(m, "s", 0)).hasMessageContaining("\"s\"").hasMessageContaining("integer");
    }

    @Test
    void rejectsMalformedInput() {
        for (String bad : List.of("", "{", "{\"a\":1,}", "[1,]", "[01]", "[1.]", "[.5]", "[+1]", "[1e]", "{'a':1}",
                "{\"a\" 1}", "[\"\\x\"]", "[\"\t\"]", "[\"\\ud800\"]", "[\"\\udc00\"]", "[\"\\u12\"]", "[tru]",
                "[NaN]", "[Infinity]", "{} {}", "[1e999]", "/* c */ {}", "{\"a\":1,\"a\":2}", "\"open")) {
            assertThatThrownBy(() -> Json.parse(bad)).as(bad).isInstanceOf(Json.JsonException.class);
        }
        assertThatThrownBy(() -> Json.parse("{\n  \"a\": x}")).hasMessageContaining("line 2, column 8");
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        assertThatThrownBy(() -> Json.parse(deep)).hasMessageContaining("nesting deeper");
        assertThatThrownBy(() -> Json.parseObject("[1]")).hasMessageContaining("expected a JSON object");
    }

    @Test
    void writesCompactJsonThatParsesBack() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("b", List.of(1, 2L, 0.1f, 2.5, "x\u0001\"\n"));
        m.put("a", new int[] {3, 4});
        m.put("n", null);
        m.put("t", true);
        String s = Json.write(m);
        assertThat(s).isEqualTo("{\"b\":[1,2,0.1,2.5,\"x\\u0001\\\"\\n\"],\"a\":[3,4],\"n\":null,\"t\":true}");
        assertThat(Json.parse(s).toString()).isEqualTo("{b=[1, 2, 0.1, 2.5, x\u0001\"\n], a=[3, 4], n=null, t=true}");
        assertThatThrownBy(() -> Json.write(List.of(Double.NaN))).hasMessageContaining("not valid JSON");
    }
}
