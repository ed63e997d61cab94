package dev.pier.workers.host;

/**
 * A Worker whose script also exports Durable Object classes (a JavaScript module Worker): the
 * runtime binds its {@code durable_objects} to them.
 */
public interface ObjectClasses {

    /**
     * The class the script exports as {@code exportName}.
     *
     * @throws IllegalArgumentException when the script exports no class by that name
     */
    DurableObjectClass objectClass(String exportName);
}
