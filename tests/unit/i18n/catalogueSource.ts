/**
 * The catalogues as written, for the tests that read their text. What the app imports from
 * `@/i18n/locales/*` is compiled by the build (@intlify/unplugin-vue-i18n in vite.config.ts, which
 * the unit tests share): message ASTs, not strings. This reads the source file with TypeScript's
 * parser instead, and accepts only what the build can precompile: `export default { … }` (with
 * `as const` or `satisfies`) of nested object literals whose leaves are plain string literals.
 */
import { readFileSync } from 'node:fs'
import { baseCompile } from '@intlify/message-compiler'
import type { CompileError } from '@intlify/message-compiler'
import ts from 'typescript'
import type { AppLocale } from '@/domain/locale'

export type Tree = { readonly [key: string]: string | Tree }

function literal(node: ts.Expression, where: string): Tree {
  const unwrapped = ts.isAsExpression(node) || ts.isSatisfiesExpression(node) ? node.expression : node
  if (!ts.isObjectLiteralExpression(unwrapped))
    throw new Error(`${where}: not an object literal`)
  const out: Record<string, string | Tree> = {}
  for (const property of unwrapped.properties) {
    if (!ts.isPropertyAssignment(property) || !(ts.isIdentifier(property.name) || ts.isStringLiteral(property.name)))
      throw new Error(`${where}: only \`key: value\` properties can be precompiled`)
    const key = property.name.text
    const value = property.initializer
    out[key] = ts.isStringLiteral(value) || ts.isNoSubstitutionTemplateLiteral(value) ? value.text : literal(value, `${where}.${key}`)
  }
  return out
}

/** `src/i18n/locales/<locale>.ts`'s messages, as written; throws if the file is not a static catalogue. */
export function catalogueSource(locale: AppLocale): Tree {
  const file = `src/i18n/locales/${locale}.ts`
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest)
  const exported = source.statements.find(ts.isExportAssignment)
  if (!exported || exported.isExportEquals)
    throw new Error(`${file}: no \`export default { … }\``)
  return literal(exported.expression, locale)
}

/** Every message of `tree`, by its dotted key (`call.hangUp`). */
export function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key
    if (typeof value === 'string')
      out.set(path, value)
    else
      for (const [k, v] of flatten(value, path)) out.set(k, v)
  }
  return out
}

/**
 * `message` compiled as the build compiles a catalogue's messages (vue-i18n's compiler, JIT AST);
 * the errors it reports, none for a message that compiles.
 */
export function compileMessage(message: string): { ast: unknown, errors: CompileError[] } {
  const errors: CompileError[] = []
  const { ast } = baseCompile(message, { jit: true, location: false, onError: (error) => { errors.push(error) } })
  return { ast, errors }
}

function compileToAst(message: string, key: string): unknown {
  const { ast, errors } = compileMessage(message)
  if (errors.length > 0)
    throw new Error(`${key}: ${errors.map(e => e.message).join('; ')}`)
  return ast
}

/** `tree` with every message compiled as the build compiles it, ready for `setLocaleMessage`. */
export function compiledTree(tree: Tree): Record<string, unknown> {
  return Object.fromEntries(Object.entries(tree).map(([key, value]) =>
    [key, typeof value === 'string' ? compileToAst(value, key) : compiledTree(value)]))
}
