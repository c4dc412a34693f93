package org.satpgateway.ejb.config;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.eclipse.microprofile.config.spi.Converter;

/** Settings from a map, for tests of what the gateway reads at start-up (strings, numbers, booleans, lists). */
public final class MapConfig implements Config {
    private final Map<String, String> values;

    public MapConfig(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    @Override
    public <T> T getValue(String name, Class<T> type) {
        return getOptionalValue(name, type).orElseThrow(() -> new NoSuchElementException(name));
    }

    @Override
    public <T> Optional<T> getOptionalValue(String name, Class<T> type) {
        return Optional.ofNullable(values.get(name)).map(v -> convert(v, type));
    }

    @Override
    public <T> Optional<List<T>> getOptionalValues(String name, Class<T> type) {
        return Optional.ofNullable(values.get(name))
                .map(v -> Arrays.stream(v.split(",")).map(String::trim).map(s -> convert(s, type)).toList());
    }

    @Override
    public <T> List<T> getValues(String name, Class<T> type) {
        return getOptionalValues(name, type).orElseThrow(() -> new NoSuchElementException(name));
    }

    private static <T> T convert(String v, Class<T> type) {
        Object o = type == String.class ? v : type == Long.class ? Long.valueOf(v) : type == Integer.class
                ? Integer.valueOf(v) : type == Boolean.class ? Boolean.valueOf(v) : null;
        if (o == null) {
            throw new IllegalArgumentException("no converter for " + type);
        }
        return type.cast(o);
    }

    @Override
    public ConfigValue getConfigValue(String name) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Iterable<String> getPropertyNames() {
        return values.keySet();
    }

    @Override
    public Iterable<ConfigSource> getConfigSources() {
        return List.of();
    }

    @Override
    public <T> Optional<Converter<T>> getConverter(Class<T> type) {
        return Optional.empty();
    }

    @Override
    public <T> T unwrap(Class<T> type) {
        throw new UnsupportedOperationException();
    }
}
