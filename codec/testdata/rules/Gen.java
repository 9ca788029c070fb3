// Expectations of the java rule, computed with Gson as the OTT Pay Java SDK
// helper (AppCommonUtils.getMd5) does it:
//   javac -cp /usr/share/java/gson.jar -d /tmp Gen.java &&
//   java -cp /usr/share/java/gson.jar:/tmp Gen > expect.java.json
// fromJson into Map<String,Object> (every number a Double), a toJson round
// trip (null members vanish), a TreeMap (UTF-16 key order), then
// StringBuilder.append of each value (Double.toString, Map/List toString).
// Note: Double.toString differs between JDK releases for a few values
// (JDK 19 made it shortest); the cases here avoid those values.
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.reflect.TypeToken;
import java.lang.reflect.Type;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.util.*;

public class Gen {
    public static void main(String[] args) throws Exception {
        String text = new String(Files.readAllBytes(Paths.get("cases.json")), StandardCharsets.UTF_8);
        Gson gson = new Gson();
        Type listT = new TypeToken<List<Map<String, String>>>() {}.getType();
        Type mapT = new TypeToken<Map<String, Object>>() {}.getType();
        List<Map<String, String>> cases = gson.fromJson(text, listT);
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map<String, String> c : cases) {
            Map<String, Object> m = gson.fromJson(c.get("json"), mapT);
            m = gson.fromJson(gson.toJson(m), mapT);
            StringBuilder sb = new StringBuilder();
            for (Object v : new TreeMap<>(m).values()) sb.append(v);
            String in = sb.toString();
            byte[] d = MessageDigest.getInstance("MD5").digest(in.getBytes(StandardCharsets.UTF_8));
            String md5 = String.format("%032X", new BigInteger(1, d));
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("input", in);
            r.put("md5", md5);
            out.put(c.get("name"), Collections.singletonMap("java", r));
        }
        Gson pretty = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();
        System.out.println(pretty.toJson(out));
    }
}
