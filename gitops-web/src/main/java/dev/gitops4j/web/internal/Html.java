package dev.gitops4j.web.internal;

/** Minimal HTML building: every piece of data goes through {@link #esc}. */
final class Html {

  private final StringBuilder out = new StringBuilder(8192);

  private Html() {}

  static Html create() {
    return new Html();
  }

  /** Markup written as is: only for constant text. */
  Html raw(String markup) {
    out.append(markup);
    return this;
  }

  /** Text, escaped. */
  Html text(String text) {
    out.append(esc(text));
    return this;
  }

  static String esc(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder escaped = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> escaped.append("&amp;");
        case '<' -> escaped.append("&lt;");
        case '>' -> escaped.append("&gt;");
        case '"' -> escaped.append("&quot;");
        case '\'' -> escaped.append("&#39;");
        default -> escaped.append(c);
      }
    }
    return escaped.toString();
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
