// The layer table of issue #8, checked by `npm run lint` (depcruise) and by
// tests/main/layers.test.ts. Every rule is an error: a forbidden import fails the lint.
//
// How the paths work. Every `from.path` starts with `^(|.+/)` — the folder the
// tree lives in: '' for the real tree, 'tests/fixtures/layers/' for the test fixtures —
// and every `to.path`/`to.pathNot` starts with `^$1`, so an import is judged inside its
// own tree: a fixture's "common" may import the fixture's common, not the real one.
// (The group must always take part in the match, possibly empty, or depcruise drops it
// and `$1` stays unreplaced — hence `(|.+/)` and not `(.+/)?`, which its
// safe-regex check would also refuse as a nested quantifier.)
//
// "Local" targets are files of this repository; npm packages (`npm*`) and Node
// builtins (`core`) have their own rules below.

/** The tree prefix, captured as group 1 (see above). */
const TREE = '^(|.+/)';

/** Domain modules: the hall's business, below the composition root and above the store. */
const DOMAIN = '(catalog|calendar|documents|intake|packets|sync|recording|auth|calls)';

/**
 * The pure document detector (#13): opencv.js, the barcode reader (zxing-wasm) and
 * arithmetic, no Node. The renderer's detection worker runs these very files, so the
 * renderer may import them (and, beside FACE_PURE below, only them of src-main/devices), and they must stay free
 * of Node (rules below).
 */
const DOCCAM_PURE = 'src-main/devices/doccam/(detect|rectify|quality|barcodes|image|opencv)\\.ts$';

/**
 * The pure face matcher (#15): Human's detection, liveness, embedding and the similarity
 * judged by common/face.ts. The renderer's face worker runs this file on Human's browser
 * build, the device CLI on its Node build (node-matcher.ts, not pure), so like the
 * document detector it may be imported by the renderer and must stay free of Node.
 */
const FACE_PURE = 'src-main/devices/face/matcher\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'No import cycles anywhere: a cycle makes load order matter and blurs which layer owns what. ' +
        'Type-only imports count too (tsPreCompilationDeps is on).',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment:
        'An import that cannot be resolved cannot be judged by the rules below; it is a typo or a missing package. ' +
        "Vite's `?url` import of the barcode reader's wasm is no module to resolve (its file is copied into the build); " +
        'it is the one exception.',
      from: {},
      to: { couldNotResolve: true, pathNot: '^zxing-wasm/reader/zxing_reader\\.wasm\\?url$' },
    },

    // ── common/: pure code, runs in the main process, the renderer and dept-inbox ──
    {
      name: 'common-imports-only-common',
      severity: 'error',
      comment:
        'src-main/common is shared by every layer (main, renderer, dept-inbox), so it may import only ' +
        'itself and npm packages: anything else would drag a layer into all the others.',
      from: { path: `${TREE}src-main/common/` },
      to: { dependencyTypes: ['local'], pathNot: '^$1src-main/common/' },
    },
    {
      name: 'common-no-node-builtins',
      severity: 'error',
      comment: 'src-main/common also runs in the renderer (no Node there): no node: builtins.',
      from: { path: '(^|/)src-main/common/' },
      to: { dependencyTypes: ['core'] },
    },

    // ── api/: the contract between the renderer and the core ──
    {
      name: 'api-imports-only-api-and-common',
      severity: 'error',
      comment:
        'src-main/api (contract, dispatcher, wire) is read by the renderer too: it may import only ' +
        'itself and src-main/common, never the implementation behind it.',
      from: { path: `${TREE}src-main/api/` },
      to: { dependencyTypes: ['local'], pathNot: '^$1src-main/(api|common)/' },
    },

    // ── store/: encrypted SQLite, blobs, migrations ──
    {
      name: 'store-imports-only-store-and-common',
      severity: 'error',
      comment: 'src-main/store is the bottom of the main process: it may import only itself and src-main/common.',
      from: { path: `${TREE}src-main/store/` },
      to: { dependencyTypes: ['local'], pathNot: '^$1src-main/(store|common)/' },
    },

    // ── domain modules ──
    {
      name: 'domain-not-to-outer-layers',
      severity: 'error',
      comment:
        'Domain modules (catalog, calendar, documents, intake, packets, sync, recording, auth, calls) ' +
        'build on common/, store/ and each other; they never reach up into the composition root (core), ' +
        'the shells (app, host), the demo wiring, the contract (api), the renderer or dept-inbox.',
      from: { path: `${TREE}src-main/${DOMAIN}/` },
      to: { path: '^$1(src-main/(core|app|host|demo|api)/|src-renderer/|dept-inbox/)' },
    },

    // ── devices/ ──
    {
      name: 'devices-imports-only-common-and-store',
      severity: 'error',
      comment:
        'src-main/devices (serial / TCP / USB peripherals) stays a leaf: it may import only itself, ' +
        'src-main/common and src-main/store.',
      from: { path: `${TREE}src-main/devices/` },
      to: { dependencyTypes: ['local'], pathNot: '^$1src-main/(devices|common|store)/' },
    },

    // ── demo/ and dept-inbox ──
    {
      name: 'only-demo-imports-dept-inbox',
      severity: 'error',
      comment:
        'dept-inbox is a separate program (the reference department server); only the demo profile ' +
        '(src-main/demo) may embed it. The product must not depend on it.',
      from: { path: `${TREE}(src-main|src-renderer)/`, pathNot: '(^|/)src-main/demo/' },
      to: { path: '^$1dept-inbox/' },
    },
    {
      name: 'demo-imports-only-domain-store-common',
      severity: 'error',
      comment:
        'src-main/demo wires the demo profile from domain modules, the store, common and dept-inbox; ' +
        'it is composed by core, not the other way round.',
      from: { path: `${TREE}src-main/demo/` },
      to: {
        dependencyTypes: ['local'],
        pathNot: `^$1(src-main/(demo|common|store|${DOMAIN})/|dept-inbox/src/)`,
      },
    },
    {
      name: 'dept-inbox-imports-only-common-and-signing',
      severity: 'error',
      comment:
        'dept-inbox/src runs as its own server: from src-main it may import only common/ and the ' +
        'packet signing (src-main/sync/signing.ts), the two things both ends must agree on, and how an ' +
        'SQLite file is keyed (src-main/store/sqlite-cipher.ts), so the embedded demo inbox is ' +
        'encrypted exactly as the app database is.',
      from: { path: `${TREE}dept-inbox/src/` },
      to: { path: '^$1src-main/', pathNot: '^$1src-main/(common/|sync/signing\\.ts$|store/sqlite-cipher\\.ts$)' },
    },
    {
      name: 'dept-inbox-not-to-renderer-but-the-call-peer',
      severity: 'error',
      comment:
        "dept-inbox/src takes nothing of the window's renderer, with one exception: the approver's call page " +
        '(approver-call/call-page.ts, bundled for the browser) runs the very CallPeer the window runs, because ' +
        'both ends of a call must negotiate alike.',
      from: { path: `${TREE}dept-inbox/src/` },
      to: {
        path: '^$1src-renderer/',
        pathNot: '^$1src-renderer/calls/call-peer\\.ts$',
      },
    },
    {
      name: 'only-the-call-page-imports-the-call-peer',
      severity: 'error',
      comment: 'The exception above is for the browser script alone; the server never loads renderer code.',
      from: { path: `${TREE}dept-inbox/src/`, pathNot: '(^|/)dept-inbox/src/approver-call/call-page\\.ts$' },
      to: { path: '^$1src-renderer/' },
    },

    // ── core/ and the shells ──
    {
      name: 'core-not-to-shells',
      severity: 'error',
      comment:
        'src-main/core is the composition root and runs under plain Node in both shells: it never ' +
        'imports a shell (app, host) or the renderer.',
      from: { path: `${TREE}src-main/core/` },
      to: { path: '^$1(src-main/(app|host)/|src-renderer/)' },
    },
    {
      name: 'main-not-to-renderer',
      severity: 'error',
      comment:
        'The main process (core, shells, domain) never takes code from the renderer: what both sides ' +
        'need (messages, schemas, rules) lives in src-main/common.',
      from: { path: `${TREE}src-main/` },
      to: { path: '^$1src-renderer/' },
    },
    {
      name: 'host-not-to-app',
      severity: 'error',
      comment:
        'The browser host (src-main/host) runs without Electron; importing the Electron shell would ' +
        'pull electron in.',
      from: { path: `${TREE}src-main/host/` },
      to: { path: '^$1src-main/app/' },
    },
    {
      name: 'only-app-imports-electron',
      severity: 'error',
      comment:
        'Only the Electron shell (src-main/app) may import electron; the core must run under plain Node. ' +
        '(ESLint states the same rule per file; this one also sees it through require and import =.)',
      from: { pathNot: '(^|/)src-main/app/' },
      to: { path: '^node_modules/electron/' },
    },

    // ── renderer ──
    {
      name: 'renderer-imports-only-api-and-common',
      severity: 'error',
      comment:
        'The renderer talks to the core through the contract only: it may import itself, ' +
        'src-main/api and src-main/common, never a domain module, the store or the core.',
      from: { path: `${TREE}src-renderer/` },
      to: {
        dependencyTypes: ['local'],
        pathNot: `^$1(src-renderer/|src-main/(api|common)/|${DOCCAM_PURE}|${FACE_PURE})`,
      },
    },
    {
      name: 'doccam-detector-stays-pure',
      severity: 'error',
      comment:
        'The document detector (detect, rectify, quality, barcodes, image, opencv) runs in Node for the CLI, the tests ' +
        "and the bench, and in the renderer's Web Worker on camera frames: the renderer may import exactly " +
        'these files (rule above), so they may import no Node builtin and nothing local but each other and common.',
      from: { path: `${TREE}${DOCCAM_PURE}` },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'doccam-detector-imports-only-itself-and-common',
      severity: 'error',
      comment: 'See doccam-detector-stays-pure: what these files import, the renderer imports too.',
      from: { path: `${TREE}${DOCCAM_PURE}` },
      to: { dependencyTypes: ['local'], pathNot: `^$1(${DOCCAM_PURE}|src-main/common/)` },
    },
    {
      name: 'face-matcher-stays-pure',
      severity: 'error',
      comment:
        "The face matcher runs in Node for the CLI, the tests and the bench, and in the renderer's face worker: " +
        'the renderer may import it, so it may import no Node builtin and nothing local but common.',
      from: { path: `${TREE}${FACE_PURE}` },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'face-matcher-imports-only-common',
      severity: 'error',
      comment: 'See face-matcher-stays-pure: what this file imports, the renderer imports too.',
      from: { path: `${TREE}${FACE_PURE}` },
      to: { dependencyTypes: ['local'], pathNot: `^$1src-main/common/` },
    },
    {
      name: 'renderer-no-node-builtins',
      severity: 'error',
      comment: 'The renderer runs in a browser page (Electron with no Node integration, or the browser host).',
      from: { path: '(^|/)src-renderer/' },
      to: { dependencyTypes: ['core'] },
    },
  ],

  options: {
    // Do not cruise into packages; they are judged by name only.
    doNotFollow: { path: 'node_modules' },
    // `import type` is a dependency too: it shapes the layer as much as a value import.
    tsPreCompilationDeps: true,
    // Resolve like tsc does (the code imports './foo.ts' with explicit extensions).
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.tsx', '.cts', '.mts', '.d.ts', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
