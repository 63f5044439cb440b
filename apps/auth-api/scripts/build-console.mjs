// Builds the operator console (issue 16) into apps/auth-api/dist/console/: console.js bundled by
// esbuild from console/src/main.ts (Chart.js included: the page loads nothing from another origin),
// next to console/index.html and console/console.css as they are. The auth-api serves that folder
// at /console/. Run by `npm run build`; tests may call buildConsole(outDir) themselves.
import { copyFile, mkdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const appDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const sourceDir = join(appDir, 'console');

/** Where the auth-api looks for the console: resolve(<src|dist>/<x>/.., '..', 'dist', 'console'). */
export const CONSOLE_OUT_DIR = join(appDir, 'dist', 'console');

/** The files of the built console, as the server serves them. */
export const CONSOLE_FILES = /** @type {const} */ (['index.html', 'console.js', 'console.css']);

/**
 * Bundles and copies the console into `outDir` (created if missing).
 * @param {string} [outDir]
 * @returns {Promise<{ outDir: string, files: { name: string, bytes: number }[] }>}
 */
export async function buildConsole(outDir = CONSOLE_OUT_DIR) {
  await mkdir(outDir, { recursive: true });
  await build({
    entryPoints: [join(sourceDir, 'src', 'main.ts')],
    tsconfig: join(sourceDir, 'tsconfig.json'),
    outfile: join(outDir, 'console.js'),
    bundle: true,
    minify: true,
    sourcemap: false,
    target: 'es2020',
    format: 'iife',
    platform: 'browser',
    // Chart.js's MIT notice stays in the bundle, at its end.
    legalComments: 'eof',
    logLevel: 'warning',
  });
  await copyFile(join(sourceDir, 'index.html'), join(outDir, 'index.html'));
  await copyFile(join(sourceDir, 'console.css'), join(outDir, 'console.css'));
  const files = await Promise.all(
    CONSOLE_FILES.map(async (name) => ({ name, bytes: (await stat(join(outDir, name))).size })),
  );
  return { outDir, files };
}

// `node apps/auth-api/scripts/build-console.mjs [outDir]`
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { outDir, files } = await buildConsole(
    process.argv[2] === undefined ? undefined : resolve(process.argv[2]),
  );
  const sizes = files.map(({ name, bytes }) => `${name} ${(bytes / 1024).toFixed(1)} KiB`).join(', ');
  console.log(`console: ${sizes} in ${outDir}`);
}
