/**
 * `--handler FILE:func` is checked before anything is fired, without running the user's code (its top level could
 * do anything): a Python file is parsed with python3's `ast` (top-level def / class / assignment / import names),
 * a Node file is searched for `func` as an identifier. Both say "maybe" rather than "no" when they cannot know:
 * a Python `from x import *`, a file that does not parse or cannot be read (the sandbox reports those), or no python3.
 * A custom runtime's `bootstrap` (or a folder holding one) must be executable (provided-package.ts).
 */
import { readFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { basename, extname } from 'node:path';
import { parseHandlerOption } from './sandbox/demo.js';
import { rubyDefines } from './sandbox/lambda/ruby.js';
import { providedHandler } from './sandbox/provided-package.js';

/** Prints "yes", "no" or "maybe": whether the module at argv[1] binds the name argv[2] at its top level. */
const PYTHON_DEFINES = `
import ast, sys
try:
    tree = ast.parse(open(sys.argv[1], 'rb').read(), sys.argv[1])
except Exception:
    print('maybe'); sys.exit(0)
names, star = set(), False
def targets(t):
    if isinstance(t, ast.Name): names.add(t.id)
    elif isinstance(t, (ast.Tuple, ast.List)):
        for e in t.elts: targets(e)
def walk(body):
    global star
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)): names.add(node.name)
        elif isinstance(node, ast.Assign):
            for t in node.targets: targets(t)
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)): targets(node.target)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for a in node.names:
                if a.name == '*': star = True
                else: names.add(a.asname or a.name.split('.')[0])
        for field in ('body', 'orelse', 'finalbody'):
            if field in node._fields and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)): walk(getattr(node, field))
        for h in getattr(node, 'handlers', []): walk(h.body)
walk(tree.body)
print('yes' if sys.argv[2] in names else 'maybe' if star else 'no')
`;

function pythonDefines(file: string, func: string): Promise<'yes' | 'no' | 'maybe'> {
  return new Promise((resolve) => {
    const child = spawn('python3', ['-I', '-c', PYTHON_DEFINES, file, func], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', () => resolve('maybe')); // no python3: the sandbox says so when it runs the handler
    child.on('close', () => resolve(out.trim() === 'yes' ? 'yes' : out.trim() === 'no' ? 'no' : 'maybe'));
  });
}

async function nodeDefines(file: string, func: string): Promise<'yes' | 'no' | 'maybe'> {
  const source = await readFile(file, 'utf8').catch(() => undefined);
  if (source === undefined) return 'maybe';
  const escaped = func.replace(/\$/g, '\\$');
  return new RegExp(`(?<![\\w$])${escaped}(?![\\w$])`).test(source) ? 'yes' : 'no';
}

/**
 * A one-line usage message when `--handler FILE:func` names a function FILE does not define, else undefined.
 * Follows Lambda's handler string `module.function` (Runtime.HandlerNotFound when it is missing).
 */
export async function handlerProblem(option: string): Promise<string | undefined> {
  const custom = providedHandler(option);
  if (custom) return 'problem' in custom ? custom.problem : undefined;
  const { file, func } = parseHandlerOption(option);
  const ext = extname(file).toLowerCase();
  const verdict =
    ext === '.py'
      ? await pythonDefines(file, func)
      : ext === '.rb'
        ? await rubyDefines(file, func)
        : ['.js', '.mjs', '.cjs'].includes(ext)
          ? await nodeDefines(file, func)
          : 'maybe';
  if (verdict !== 'no') return undefined;
  return `--handler ${option}: ${basename(file)} defines no function '${func}': name one it exports after the colon (default: handler)`;
}
