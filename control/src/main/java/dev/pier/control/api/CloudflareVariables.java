package dev.pier.control.api;

import graphql.language.Definition;
import graphql.language.Document;
import graphql.language.ListType;
import graphql.language.Node;
import graphql.language.NonNullType;
import graphql.language.OperationDefinition;
import graphql.language.Type;
import graphql.language.TypeName;
import graphql.language.VariableDefinition;
import graphql.language.VariableReference;
import graphql.parser.InvalidSyntaxException;
import graphql.parser.Parser;
import graphql.schema.GraphQLInputType;
import graphql.schema.GraphQLList;
import graphql.schema.GraphQLNamedType;
import graphql.schema.GraphQLNonNull;
import graphql.schema.GraphQLSchema;
import graphql.schema.GraphQLType;
import graphql.validation.DocumentVisitor;
import graphql.validation.LanguageTraversal;
import graphql.validation.TraversalContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cloudflare's API accepts queries that use variables without declaring them
 * ({@code {viewer {zones(filter: {zoneTag: $zoneTag}) ...}}}), or declare them with a type
 * its schema does not have ({@code $filter: filter}), and its documentation is full of such
 * queries. So that they run unchanged, each such variable is declared with the type of the
 * place it is used in, before the query is validated. Anything else is left as written.
 */
final class CloudflareVariables {

    private CloudflareVariables() {
    }

    /** The query with its variables declared; the query itself when nothing was missing (or it does not parse). */
    static String declare(String query, GraphQLSchema schema) {
        Document document;
        try {
            document = Parser.parse(query);
        } catch (InvalidSyntaxException e) {
            return query; // execution reports it
        }
        boolean changed = false;
        List<Definition> definitions = new ArrayList<>();
        for (Definition<?> definition : document.getDefinitions()) {
            if (definition instanceof OperationDefinition operation) {
                OperationDefinition declared = declare(operation, schema);
                changed |= declared != operation;
                definitions.add(declared);
            } else {
                definitions.add(definition);
            }
        }
        return changed ? graphql.language.AstPrinter.printAst(document.transform(d -> d.definitions(definitions))) : query;
    }

    private static OperationDefinition declare(OperationDefinition operation, GraphQLSchema schema) {
        Map<String, GraphQLInputType> used = new LinkedHashMap<>();
        TraversalContext context = new TraversalContext(schema);
        new LanguageTraversal().traverse(operation, new DocumentVisitor() {
            @Override
            public void enter(Node node, List<Node> path) {
                context.enter(node, path);
                if (node instanceof VariableReference v && context.getInputType() != null) {
                    used.putIfAbsent(v.getName(), context.getInputType());
                }
            }

            @Override
            public void leave(Node node, List<Node> path) {
                context.leave(node, path);
            }
        });
        List<VariableDefinition> variables = new ArrayList<>();
        boolean changed = false;
        for (VariableDefinition v : operation.getVariableDefinitions()) {
            if (schema.getType(named(v.getType())) == null && used.containsKey(v.getName())) {
                variables.add(v.transform(b -> b.type(type(used.get(v.getName())))));
                changed = true;
            } else {
                variables.add(v);
            }
            used.remove(v.getName());
        }
        for (Map.Entry<String, GraphQLInputType> missing : used.entrySet()) {
            variables.add(VariableDefinition.newVariableDefinition(missing.getKey(), type(missing.getValue())).build());
            changed = true;
        }
        return changed ? operation.transform(b -> b.variableDefinitions(variables)) : operation;
    }

    private static String named(Type<?> type) {
        Type<?> t = type;
        while (!(t instanceof TypeName)) {
            t = t instanceof NonNullType n ? n.getType() : ((ListType) t).getType();
        }
        return ((TypeName) t).getName();
    }

    private static Type<?> type(GraphQLType type) {
        if (type instanceof GraphQLNonNull n) {
            return new NonNullType(type(n.getWrappedType()));
        }
        if (type instanceof GraphQLList l) {
            return new ListType(type(l.getWrappedType()));
        }
        return new TypeName(((GraphQLNamedType) type).getName());
    }
}
