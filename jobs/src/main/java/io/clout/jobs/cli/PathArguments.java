package io.clout.jobs.cli;

import io.clout.common.config.CloutConfig;
import java.nio.file.Path;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The converters of every option that names a file, a folder or a storage URI: a value {@link
 * CloutConfig.Paths#refusal} refuses ({@code ..} segments, control characters, credentials in a
 * URI) is a usage error naming the option, before any Spark starts. Config files and {@code --set}
 * get the same check when {@code paths.*} are bound.
 */
final class PathArguments {
  private PathArguments() {}

  /** An option kept as text: a local path or a URI such as {@code s3a://bucket/prefix}. */
  static final class AsString implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      return checked(value);
    }
  }

  /** An option for a local file or folder. */
  static final class AsPath implements ITypeConverter<Path> {
    @Override
    public Path convert(String value) {
      return Path.of(checked(value));
    }
  }

  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z0-9_-]+");

  /** {@code --env NAME}, which names the file {@code conf/NAME.yaml}: a name, not a path. */
  static final class EnvName implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      if (!ENV_NAME.matcher(value).matches()) {
        throw new TypeConversionException(
            "an environment is a name of letters, digits, '-' and '_' (conf/NAME.yaml), got '"
                + checked(value)
                + "'; give another file with --config FILE");
      }
      return value;
    }
  }

  static String checked(String value) {
    String refusal = CloutConfig.Paths.refusal(value);
    if (refusal != null) {
      throw new TypeConversionException(refusal);
    }
    return value;
  }
}
