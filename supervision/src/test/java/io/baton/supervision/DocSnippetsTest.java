package io.baton.supervision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The docs quote compiled code: every fenced block after {@code <!-- snippet: path#tag -->} must
 * equal the region between the {@code // #tag} markers of that file, so the guide cannot rot.
 */
class DocSnippetsTest {

  private static final Pattern SNIPPET =
      Pattern.compile("<!-- snippet: (\\S+)#(\\S+) -->\\s*```java\\n(.*?)```", Pattern.DOTALL);

  @Test
  void everySnippetInTheGuidesMatchesItsSource() throws IOException {
    Path root = Path.of("..").toAbsolutePath().normalize();
    List<String> checked = new ArrayList<>();
    try (var docs = Files.walk(root.resolve("docs"))) {
      for (Path doc : docs.filter(p -> p.toString().endsWith(".md")).toList()) {
        Matcher m = SNIPPET.matcher(Files.readString(doc));
        while (m.find()) {
          String region = region(root.resolve(m.group(1)), m.group(2));
          assertEquals(normalise(region), normalise(m.group(3)),
              doc + " quotes " + m.group(1) + "#" + m.group(2) + " but the source differs");
          checked.add(m.group(2));
        }
      }
    }
    assertTrue(checked.size() >= 4, "expected the guide to quote its examples, found " + checked);
  }

  private static String region(Path source, String tag) throws IOException {
    String text = Files.readString(source);
    String marker = "// #" + tag + "\n";
    int start = text.indexOf(marker);
    int end = text.indexOf(marker, start + marker.length());
    assertTrue(start >= 0 && end > start, "no region #" + tag + " in " + source);
    String body = text.substring(start + marker.length(), end);
    return body.substring(0, body.lastIndexOf('\n') + 1);
  }

  /** Same lines, indentation removed by the block's common indent. */
  private static String normalise(String block) {
    List<String> lines = block.lines().toList();
    int indent = lines.stream().filter(l -> !l.isBlank())
        .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
    StringBuilder out = new StringBuilder();
    for (String line : lines) {
      out.append(line.isBlank() ? "" : line.substring(indent)).append('\n');
    }
    return out.toString().strip();
  }
}
