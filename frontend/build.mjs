// Bundles Uppy into static/vendor/uppy/: one IIFE script (window.Uppy), one stylesheet,
// VERSIONS.json (every npm package inside the bundle, with version and licence) and
// LICENSES.txt (their licence texts, as MIT asks).
// Run from frontend/: `npm ci && npm run build`. See static/vendor/uppy/VENDOR.md.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as esbuild from 'esbuild'

const here = dirname(fileURLToPath(import.meta.url))
const out = join(here, '..', 'static', 'vendor', 'uppy')
const banner = '/*! Uppy (MIT, https://uppy.io) bundled for Zhixin; versions in VERSIONS.json, licences in LICENSES.txt. */'
const common = { bundle: true, minify: true, metafile: true, legalComments: 'none', logLevel: 'info',
  banner: { js: banner, css: banner } }

mkdirSync(out, { recursive: true })
const js = await esbuild.build({
  ...common,
  entryPoints: [join(here, 'src', 'uppy.js')],
  outfile: join(out, 'uppy.min.js'),
  format: 'iife',
  target: ['es2020'],
  define: { 'process.env.NODE_ENV': '"production"' },
})
const css = await esbuild.build({ ...common, entryPoints: [join(here, 'src', 'uppy.css')],
  outfile: join(out, 'uppy.min.css') })

/** The npm packages whose files went into either output, by name. */
function bundledPackages (...metafiles) {
  const names = new Set()
  for (const meta of metafiles) {
    for (const input of Object.keys(meta.inputs)) {
      const match = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//)
      if (match) names.add(match[1])
    }
  }
  return [...names].sort()
}

const versions = {}
const licences = []
for (const name of bundledPackages(js.metafile, css.metafile)) {
  const dir = join(here, 'node_modules', name)
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  versions[name] = { version: pkg.version, license: pkg.license }
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f))
  const text = file && existsSync(join(dir, file)) ? readFileSync(join(dir, file), 'utf8').trim()
    : `(no licence file in the package; package.json says ${pkg.license})`
  licences.push(`${name}@${pkg.version} — ${pkg.license}\n\n${text}\n`)
}
writeFileSync(join(out, 'VERSIONS.json'), JSON.stringify(versions, null, 2) + '\n')
writeFileSync(join(out, 'LICENSES.txt'), licences.join('\n' + '-'.repeat(72) + '\n\n'))
