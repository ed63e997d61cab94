package dev.pier.control.api;

import dev.pier.control.store.Ids;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A route's path as the OpenAPI document writes it, e.g. {@code /zones/{zone_id}/dns_records},
 * and what each of its parameters matches: the one matcher for requests and the one source of
 * the document's path parameters. A parameter never matches a {@code /}.
 */
final class PathTemplate {

    /** A path parameter: what it matches and what the document says of it. */
    record Parameter(String name, String pattern, String description) {
    }

    private static final String ID = Ids.REGEX;
    private static final Map<String, Parameter> KNOWN = Map.of(
            "account_id", new Parameter("account_id", Pattern.quote(ControlApi.ACCOUNT_ID),
                    "Pier's one account: always " + ControlApi.ACCOUNT_ID),
            "setting_id", new Parameter("setting_id", "[a-z0-9_]+", "A zone setting's id, e.g. websockets"),
            "ruleset_phase", new Parameter("ruleset_phase", "[a-z_]+", "A phase the edge runs, e.g. http_request_firewall_custom"),
            "rule_id", new Parameter("rule_id", "[0-9a-zA-Z_-]+", "A rule's id: letters, digits, _ and -"),
            "job_id", new Parameter("job_id", "[0-9a-zA-Z]+", "A Logpush job's id: a number"),
            "dataset_id", new Parameter("dataset_id", "[a-z0-9_]+", "A Logpush dataset, e.g. http_requests"),
            "script_name", new Parameter("script_name", "[^/]+", "A Workers script's name: lower-case letters, digits, - and _"));
    private static final Pattern PARAMETER = Pattern.compile("\\{([a-z_]+)\\}");

    private final String template;
    private final Pattern pattern;
    private final List<Parameter> parameters;

    PathTemplate(String template) {
        this.template = template;
        List<Parameter> found = new ArrayList<>();
        StringBuilder regex = new StringBuilder();
        Matcher m = PARAMETER.matcher(template);
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(template.substring(last, m.start())));
            String name = m.group(1);
            Parameter parameter = KNOWN.getOrDefault(name, new Parameter(name, ID,
                    "The " + name.replaceFirst("_id$", "").replace('_', ' ') + "'s id: 32 hex digits"));
            found.add(parameter);
            regex.append('(').append(parameter.pattern()).append(')');
            last = m.end();
        }
        regex.append(Pattern.quote(template.substring(last)));
        this.pattern = Pattern.compile(regex.toString());
        this.parameters = List.copyOf(found);
    }

    /** The path parameters in the order the template names them. */
    List<Parameter> parameters() {
        return parameters;
    }

    boolean names(String parameter) {
        return parameters.stream().anyMatch(p -> p.name().equals(parameter));
    }

    /** The path's parameters by name when the template matches it, else null. */
    Map<String, String> match(String path) {
        Matcher m = pattern.matcher(path);
        if (!m.matches()) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < parameters.size(); i++) {
            params.put(parameters.get(i).name(), m.group(i + 1));
        }
        return params;
    }

    @Override
    public String toString() {
        return template;
    }
}
