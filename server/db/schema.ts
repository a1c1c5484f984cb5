/**
 * The server database, one declaration per table (drizzle-kit generates the migrations from
 * here): accounts, documents and posts in core-schema.ts; profiles, relations, interactions,
 * notifications and push in social-schema.ts.
 */
export * from './core-schema';
export * from './social-schema';
