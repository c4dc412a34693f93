package org.satpgateway.web;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.satpgateway.ejb.console.Alerts;
import org.satpgateway.ejb.console.DeadLetters;
import org.satpgateway.ejb.console.IntakeGate;
import org.satpgateway.ejb.console.SessionViews;
import org.satpgateway.ejb.outbound.PeerHttpChannel;

/**
 * The OpenAPI document's schemas of the operators' views ({@link AdminResource}), built from the records themselves,
 * so the document cannot drift from what the API writes. Payara 6's annotation processor writes a record as a bare
 * object (it reads fields, and a record's are private) and makes no schema of it: this filter describes every record
 * the views name, recursively, and points each answer of {@link #RESOURCES} at the record its {@code @APIResponse}
 * names. Payara reads {@code mp.openapi.filter} from the server's configuration (not from the application's
 * {@code microprofile-config.properties}): {@code config/payara/postboot-first.asadmin} and
 * {@code server-setup.asadmin} set it.
 */
public class RecordSchemas implements OASFilter {
    /** The records the admin API's responses name; the records inside them follow. */
    static final List<Class<?>> VIEWS = List.of(AdminResource.Overview.class, AdminResource.SessionDetail.class,
            AdminResource.ActionResult.class, AdminResource.ActionView.class, SessionViews.SessionRow.class,
            DeadLetters.DeadLetter.class, DeadLetters.Redrive.class, Alerts.Alert.class, IntakeGate.State.class,
            PeerHttpChannel.TlsStatus.class);

    /** The resources whose answers name records. */
    static final List<Class<?>> RESOURCES = List.of(AdminResource.class);

    private static final String REF = "#/components/schemas/";
    /** Marks the schemas this filter wrote, in the document too ({@code x-satp-record: true}). */
    private static final String MARK = "x-satp-record";

    @Override
    public void filterOpenAPI(OpenAPI api) {
        Components components = api.getComponents();
        if (components == null) {
            components = OASFactory.createComponents();
            api.setComponents(components);
        }
        for (Class<?> view : VIEWS) {
            describe(components, view);
        }
        if (api.getPaths() != null) {
            for (Class<?> resource : RESOURCES) {
                link(api, components, resource);
            }
        }
    }

    /**
     * Points each operation's answers at the record its {@code @APIResponse} names ({@code @Schema(implementation)}):
     * the processor wrote them as bare objects.
     */
    private static void link(OpenAPI api, Components components, Class<?> resource) {
        String base = path(resource.getAnnotation(Path.class));
        for (Method m : resource.getDeclaredMethods()) {
            String verb = m.isAnnotationPresent(GET.class) ? "GET" : m.isAnnotationPresent(POST.class) ? "POST" : null;
            PathItem item = verb == null ? null : api.getPaths().getPathItem(base + path(m.getAnnotation(Path.class)));
            Operation operation = item == null ? null : item.getOperations().get(PathItem.HttpMethod.valueOf(verb));
            if (operation == null || operation.getResponses() == null) {
                continue;
            }
            for (APIResponse declared : m.getAnnotationsByType(APIResponse.class)) {
                org.eclipse.microprofile.openapi.models.responses.APIResponse answer =
                        operation.getResponses().getAPIResponse(declared.responseCode());
                for (Content content : declared.content()) {
                    Class<?> type = content.schema().implementation();
                    Class<?> element = type.isArray() ? type.getComponentType() : type;
                    if (!element.isRecord() || answer == null || answer.getContent() == null) {
                        continue;
                    }
                    for (MediaType media : answer.getContent().getMediaTypes().values()) {
                        media.setSchema(of(components, type));
                    }
                }
            }
        }
    }

    private static String path(Path p) {
        if (p == null) {
            return "";
        }
        String v = p.value();
        return (v.startsWith("/") ? "" : "/") + (v.endsWith("/") ? v.substring(0, v.length() - 1) : v);
    }

    /**
     * Puts the record's schema under its simple name (once per filter run), replacing what the annotation processor
     * made of it; a description given there is kept.
     */
    private static void describe(Components components, Class<?> record) {
        String name = record.getSimpleName();
        Map<String, Schema> known = components.getSchemas();
        Schema existing = known == null ? null : known.get(name);
        if (existing != null && Boolean.TRUE.equals(existing.getExtensions() == null ? null
                : existing.getExtensions().get(MARK))) {
            return;
        }
        Schema schema = OASFactory.createSchema().type(Schema.SchemaType.OBJECT).addExtension(MARK, Boolean.TRUE);
        if (existing != null && existing.getDescription() != null) {
            schema.description(existing.getDescription());
        }
        components.addSchema(name, schema); // first, so that a record that names itself ends
        for (RecordComponent c : record.getRecordComponents()) {
            schema.addProperty(c.getName(), of(components, c.getGenericType()));
        }
    }

    static Schema of(Components components, Type type) {
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
            Type[] args = p.getActualTypeArguments();
            if (Collection.class.isAssignableFrom(raw)) {
                return OASFactory.createSchema().type(Schema.SchemaType.ARRAY).items(of(components, args[0]));
            }
            if (Map.class.isAssignableFrom(raw)) {
                return OASFactory.createSchema().type(Schema.SchemaType.OBJECT)
                        .additionalPropertiesSchema(of(components, args[1]));
            }
            if (raw == Optional.class) {
                return of(components, args[0]).nullable(true);
            }
            return of(components, raw);
        }
        if (!(type instanceof Class<?> k)) {
            return OASFactory.createSchema().type(Schema.SchemaType.OBJECT);
        }
        if (k == String.class) {
            return OASFactory.createSchema().type(Schema.SchemaType.STRING);
        }
        if (k == boolean.class || k == Boolean.class) {
            return nullable(k, OASFactory.createSchema().type(Schema.SchemaType.BOOLEAN));
        }
        if (k == int.class || k == Integer.class) {
            return nullable(k, OASFactory.createSchema().type(Schema.SchemaType.INTEGER).format("int32"));
        }
        if (k == long.class || k == Long.class) {
            return nullable(k, OASFactory.createSchema().type(Schema.SchemaType.INTEGER).format("int64"));
        }
        if (k == double.class || k == Double.class) {
            return nullable(k, OASFactory.createSchema().type(Schema.SchemaType.NUMBER).format("double"));
        }
        if (k == Instant.class) {
            return OASFactory.createSchema().type(Schema.SchemaType.STRING).format("date-time");
        }
        if (k.isEnum()) {
            Schema e = OASFactory.createSchema().type(Schema.SchemaType.STRING);
            for (Object constant : k.getEnumConstants()) {
                e.addEnumeration(((Enum<?>) constant).name());
            }
            return e;
        }
        if (k.isArray()) {
            return OASFactory.createSchema().type(Schema.SchemaType.ARRAY).items(of(components, k.getComponentType()));
        }
        if (k.isRecord()) {
            describe(components, k);
            return OASFactory.createSchema().ref(REF + k.getSimpleName());
        }
        return OASFactory.createSchema().type(Schema.SchemaType.OBJECT);
    }

    private static Schema nullable(Class<?> k, Schema s) {
        return k.isPrimitive() ? s : s.nullable(true);
    }
}
