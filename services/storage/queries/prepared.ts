/**
 * Queries built once with Kysely's typed builder and compiled once per engine when a store opens
 * (issue 11, BENCHMARKS.md "One query codebase?"): building and compiling per call cost more than
 * the statements themselves. A query names its parameters (`p.tenantId` in the builder); each call
 * only puts its values in those places. Kysely compiles here and nowhere else: the executors run
 * the SQL on the engine's own driver (better-sqlite3 statements, pg named statements).
 */
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  sql,
  type Compilable,
  type Expression,
} from 'kysely';
import type { Database } from './schema';

export type EngineName = 'sqlite' | 'postgres';

/** The named parameters of a query, as expressions to put in the builder. */
export type Slots<P> = { readonly [K in keyof P]: Expression<P[K]> };

/** One query of the store, compiled for one engine. */
export interface Query<P, R> {
  /** Its name in the definitions (a pg statement name). */
  readonly name: string;
  readonly sql: string;
  /** The parameter list, in the SQL's order, for one call's values. */
  parameters(values: P): unknown[];
  /** Only for the compiler: the type of the rows it returns. */
  readonly rowType?: R;
}

export interface Definition<P, R> {
  readonly build: (k: Kysely<Database>, p: Slots<P>, engine: EngineName) => Compilable<R>;
}

/** A query of the store: `engine` is there for the few that must differ, which say why. */
export const query = <P, R>(
  build: (k: Kysely<Database>, p: Slots<P>, engine: EngineName) => Compilable<R>,
): Definition<P, R> => ({ build });

interface AnyDefinition {
  readonly build: (...args: never[]) => Compilable<unknown>;
}

export type Compiled<D> = {
  readonly [K in keyof D]: D[K] extends Definition<infer P, infer R> ? Query<P, R> : never;
};

// Marks a named parameter in the compiled parameter list; no constant of a definition starts so.
const MARK = '\u0000slot:';

function slots<P>(): Slots<P> {
  return new Proxy({} as Slots<P>, { get: (_target, name) => sql.val(`${MARK}${String(name)}`) });
}

/** A Kysely that only compiles (no connection), in one engine's SQL. */
function compilerFor(engine: EngineName): Kysely<Database> {
  const dialect =
    engine === 'postgres'
      ? {
          createAdapter: () => new PostgresAdapter(),
          createDriver: () => new DummyDriver(),
          createIntrospector: (db: Kysely<unknown>) => new PostgresIntrospector(db),
          createQueryCompiler: () => new PostgresQueryCompiler(),
        }
      : {
          createAdapter: () => new SqliteAdapter(),
          createDriver: () => new DummyDriver(),
          createIntrospector: (db: Kysely<unknown>) => new SqliteIntrospector(db),
          createQueryCompiler: () => new SqliteQueryCompiler(),
        };
  return new Kysely<Database>({ dialect });
}

function compileOne<P, R>(
  name: string,
  definition: Definition<P, R>,
  k: Kysely<Database>,
  engine: EngineName,
): Query<P, R> {
  const compiled = definition.build(k, slots<P>(), engine).compile();
  const fixed = compiled.parameters;
  // For each parameter: the value's name, or null for a constant the builder put there ('open').
  const names = fixed.map((v) =>
    typeof v === 'string' && v.startsWith(MARK) ? (v.slice(MARK.length) as keyof P) : null,
  );
  return {
    name,
    sql: compiled.sql,
    parameters: (values) => {
      const out = new Array<unknown>(names.length);
      for (let i = 0; i < names.length; i++) {
        const slot = names[i];
        out[i] = slot === null ? fixed[i] : values[slot];
      }
      return out;
    },
  };
}

/** Every definition compiled for `engine`, once (a store does this when it opens). */
export function compileQueries<D extends Record<string, AnyDefinition>>(
  definitions: D,
  engine: EngineName,
): Compiled<D> {
  const k = compilerFor(engine);
  const compiled: Record<string, Query<unknown, unknown>> = {};
  for (const [name, definition] of Object.entries(definitions))
    compiled[name] = compileOne(name, definition as Definition<unknown, unknown>, k, engine);
  return compiled as Compiled<D>;
}
