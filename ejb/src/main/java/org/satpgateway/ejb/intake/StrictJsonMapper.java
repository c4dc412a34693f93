package org.satpgateway.ejb.intake;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.satpgateway.core.codec.MessageCodec;

/**
 * The JSON reader of what back offices and operators send (jobs, assets to issue): one object of flat fields, no
 * unknown or repeated field, nothing after it, and every value of its field's JSON type: no {@code "12"} for a number,
 * no {@code 1.9} for an integer, no number or boolean for a string.
 */
public final class StrictJsonMapper {
    private StrictJsonMapper() {}

    /** A reader that refuses strings longer than {@code maxChars} and any nesting deeper than a few levels. */
    public static ObjectMapper create(int maxChars) {
        JsonMapper m = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        MessageCodec.refuseCoercion(m).coercionConfigDefaults()
                .setCoercion(CoercionInputShape.Array, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Object, CoercionAction.Fail);
        MessageCodec.bounded(m, 4, maxChars);
        return m;
    }
}
