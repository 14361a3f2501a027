package io.baton.upgrade;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the {@link SchemaMigration} of an event, snapshot or message class, so that its schema
 * history lives next to it: {@code @MigratedBy(Deposited.Migration.class)}. A class without it (and
 * without an entry in {@code baton.upgrade.migrations}) is at schema version 1.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface MigratedBy {

  /** The migration class; public, with a public no-argument constructor. */
  Class<? extends SchemaMigration> value();
}
