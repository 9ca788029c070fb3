// Expectations of the Java peers of the peer table (peers.md) that Gen.java
// does not cover, computed by the JDK (no library needed):
//   javac -d /tmp GenPeers.java && java -cp /tmp GenPeers > expect.peers.java.json
// The JSON text is read into the types each library builds, by the small
// reader below: LinkedHashMap for objects, ArrayList for arrays, and
// jackson: Integer, Long or BigInteger for integer literals, Double for
//          the others (Jackson's UntypedObjectDeserializer defaults); row 11
//          (OttPayService.java): new TreeMap<>(data), null values skipped,
//          StringBuilder.append of each value (Map/List toString).
// gsondecode: Double for every number (Gson's ObjectTypeAdapter), no toJson
//          round trip; row 10's decipher path: TreeMap, explicit null
//          appended as "null".
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.util.*;

public class GenPeers {
    final String s; int i; final boolean jackson;
    GenPeers(String s, boolean jackson) { this.s = s; this.jackson = jackson; }

    void ws() { while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) i++; }

    Object value() {
        ws();
        char c = s.charAt(i);
        if (c == '{') {
            i++; Map<String, Object> m = new LinkedHashMap<>(); ws();
            if (s.charAt(i) == '}') { i++; return m; }
            while (true) {
                ws(); String k = (String) value(); ws(); i++; // ':'
                m.put(k, value()); ws();
                if (s.charAt(i++) == '}') return m;
            }
        }
        if (c == '[') {
            i++; List<Object> l = new ArrayList<>(); ws();
            if (s.charAt(i) == ']') { i++; return l; }
            while (true) {
                l.add(value()); ws();
                if (s.charAt(i++) == ']') return l;
            }
        }
        if (c == '"') {
            StringBuilder b = new StringBuilder(); i++;
            while (s.charAt(i) != '"') {
                char d = s.charAt(i++);
                if (d == '\\') {
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n': b.append('\n'); break;
                        case 't': b.append('\t'); break;
                        case 'r': b.append('\r'); break;
                        case 'b': b.append('\b'); break;
                        case 'f': b.append('\f'); break;
                        case 'u': b.append((char) Integer.parseInt(s.substring(i, i + 4), 16)); i += 4; break;
                        default: b.append(e);
                    }
                } else b.append(d);
            }
            i++;
            return b.toString();
        }
        if (s.startsWith("true", i)) { i += 4; return Boolean.TRUE; }
        if (s.startsWith("false", i)) { i += 5; return Boolean.FALSE; }
        if (s.startsWith("null", i)) { i += 4; return null; }
        int j = i;
        while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
        String lit = s.substring(j, i);
        boolean integer = lit.indexOf('.') < 0 && lit.indexOf('e') < 0 && lit.indexOf('E') < 0;
        if (jackson && integer) {
            BigInteger b = new BigInteger(lit);
            if (b.bitLength() < 32) return b.intValue();
            if (b.bitLength() < 64) return b.longValue();
            return b;
        }
        return Double.parseDouble(lit);
    }

    static String md5(String in) throws Exception {
        byte[] d = MessageDigest.getInstance("MD5").digest(in.getBytes(StandardCharsets.UTF_8));
        return String.format("%032X", new BigInteger(1, d));
    }

    static String q(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }

    @SuppressWarnings("unchecked")
    public static void main(String[] args) throws Exception {
        String text = new String(Files.readAllBytes(Paths.get("peers.json")), StandardCharsets.UTF_8);
        List<Object> cases = (List<Object>) new GenPeers(text, false).value();
        StringBuilder out = new StringBuilder("{\n");
        for (int n = 0; n < cases.size(); n++) {
            Map<String, Object> c = (Map<String, Object>) cases.get(n);
            String json = (String) c.get("json");
            StringBuilder jk = new StringBuilder();
            for (Object v : new TreeMap<>((Map<String, Object>) new GenPeers(json, true).value()).values()) {
                if (v != null) jk.append(v);
            }
            StringBuilder gd = new StringBuilder();
            for (Object v : new TreeMap<>((Map<String, Object>) new GenPeers(json, false).value()).values()) {
                gd.append(v);
            }
            out.append(" ").append(q((String) c.get("name"))).append(": {\n");
            out.append("  \"jackson\": {\"input\": ").append(q(jk.toString())).append(", \"md5\": \"").append(md5(jk.toString())).append("\"},\n");
            out.append("  \"gsondecode\": {\"input\": ").append(q(gd.toString())).append(", \"md5\": \"").append(md5(gd.toString())).append("\"}\n");
            out.append(n + 1 < cases.size() ? " },\n" : " }\n");
        }
        System.out.print(out.append("}\n"));
    }
}
