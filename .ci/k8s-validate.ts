/**
 * Renders the kustomize manifests (docker/k8s) and validates every object against the Kubernetes
 * JSON Schemas shipped by `kubernetes-models`, strictly: an unknown field (a typo) is caught by
 * type-checking each object as an object literal of the model's type, as `kubeconform -strict` would.
 * Then checks the deployment policy Verdict relies on (probes, non-root, resources, HPA, PDB).
 * Debian has no kustomize: the renderer here covers what docker/k8s uses (resources, labels, images)
 * and, where `kubectl kustomize` exists, must render exactly what it renders.
 * Usage: node --import tsx .ci/k8s-validate.ts docker/k8s
 */
import { execFileSync } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { parse, parseAllDocuments } from 'yaml';

type Obj = Record<string, any>;
const dir = path.resolve(process.argv[2] ?? 'docker/k8s');
const problems: string[] = [];
const nameOf = (o: Obj) => `${o.kind}/${o.metadata?.name}`;

function renderLocally(): Obj[] {
  const k = parse(fs.readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8')) as Obj;
  const known = new Set(['apiVersion', 'kind', 'labels', 'resources', 'images']);
  for (const key of Object.keys(k)) if (!known.has(key)) throw new Error(`kustomization.yaml uses "${key}", which this renderer does not implement`);
  const objects = (k.resources as string[]).flatMap((file) =>
    parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8'))
      .map((d) => d.toJSON() as Obj)
      .filter(Boolean),
  );
  for (const { pairs, includeSelectors, includeTemplates } of (k.labels ?? []) as Obj[]) {
    if (includeSelectors || includeTemplates) throw new Error('labels.includeSelectors/includeTemplates are not implemented');
    for (const o of objects) o.metadata = { ...o.metadata, labels: { ...o.metadata?.labels, ...pairs } };
  }
  for (const image of (k.images ?? []) as Obj[]) {
    for (const o of objects) {
      for (const c of [...(o.spec?.template?.spec?.containers ?? []), ...(o.spec?.template?.spec?.initContainers ?? [])]) {
        const [name] = String(c.image).split(':');
        if (name === image.name) c.image = `${image.newName ?? name}:${image.newTag ?? 'latest'}`;
      }
    }
  }
  return objects;
}

function renderWithKubectl(): Obj[] | undefined {
  try {
    const out = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return parseAllDocuments(out).map((d) => d.toJSON() as Obj);
  } catch {
    return undefined;
  }
}

/** The model module of an object: apps/v1 Deployment -> kubernetes-models/apps/v1/Deployment. */
function modelPath(o: Obj): string {
  return `kubernetes-models/${o.apiVersion}/${o.kind}`;
}

async function validateSchemas(objects: Obj[]): Promise<void> {
  for (const o of objects) {
    const module = (await import(modelPath(o))) as Record<string, new (data: Obj) => { validate(): void }>;
    try {
      new module[o.kind](o).validate();
    } catch (error) {
      problems.push(`${nameOf(o)}: ${(error as Error).message}`);
    }
  }
}

/** Excess-property checks of object literals find fields no schema has. */
function checkUnknownFields(objects: Obj[]): void {
  const file = path.join(process.cwd(), '.k8s-manifests-check.ts');
  const source = objects
    .map((o, i) => `import type { I${o.kind} as T${i} } from '${modelPath(o)}';\nexport const o${i}: T${i} = ${JSON.stringify(o, null, 1)};`)
    .join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (f) => f === file || fileExists(f);
  host.readFile = (f) => (f === file ? source : readFile(f));
  host.getSourceFile = (f, lang, ...rest) => (f === file ? ts.createSourceFile(f, source, lang) : getSourceFile(f, lang, ...rest));
  const program = ts.createProgram([file], options, host);
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    const line = at ? source.split('\n')[at.line].trim() : '';
    problems.push(`${ts.flattenDiagnosticMessageText(d.messageText, ' ')}${line ? ` (at ${line})` : ''}`);
  }
}

function checkPolicy(objects: Obj[]): void {
  const find = (kind: string) => objects.find((o) => o.kind === kind);
  const need = (ok: unknown, what: string) => ok || problems.push(`policy: ${what}`);
  const deployment = find('Deployment');
  const pod = deployment?.spec?.template?.spec;
  const container = pod?.containers?.[0];
  need(container?.readinessProbe?.httpGet?.path === '/readyz', 'readiness probe on /readyz');
  need(container?.livenessProbe?.httpGet?.path === '/healthz', 'liveness probe on /healthz');
  need(pod?.securityContext?.runAsNonRoot === true, 'pod runs as non-root');
  need(container?.securityContext?.allowPrivilegeEscalation === false, 'no privilege escalation');
  need(container?.resources?.requests?.cpu && container?.resources?.limits?.memory, 'cpu requests and memory limits');
  const labels = deployment?.spec?.template?.metadata?.labels ?? {};
  const matches = (selector: Obj | undefined) => selector && Object.entries(selector).every(([k, v]) => labels[k] === v);
  need(matches(find('Service')?.spec?.selector), 'the Service selects the Deployment pods');
  const hpa = find('HorizontalPodAutoscaler');
  need(hpa?.spec?.scaleTargetRef?.name === deployment?.metadata?.name, 'the HPA scales the Deployment');
  need(
    hpa?.spec?.metrics?.some((m: Obj) => m.resource?.name === 'cpu'),
    'the HPA scales on CPU',
  );
  need(matches(find('PodDisruptionBudget')?.spec?.selector?.matchLabels), 'the PDB covers the Deployment pods');
}

const canonical = (objects: Obj[]) => [...objects].sort((a, b) => nameOf(a).localeCompare(nameOf(b)));
const objects = renderLocally();
const byKubectl = renderWithKubectl();
if (byKubectl && !isDeepStrictEqual(canonical(objects), canonical(byKubectl))) {
  problems.push('the local renderer and `kubectl kustomize` disagree; extend renderLocally()');
}
await validateSchemas(objects);
checkUnknownFields(objects);
checkPolicy(objects);
if (problems.length > 0) {
  console.error(`k8s-validate: ${problems.length} problem(s) in ${path.relative(process.cwd(), dir)}:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(
  `k8s-validate: ${objects.length} objects valid (${objects.map(nameOf).join(', ')})${byKubectl ? '; same as kubectl kustomize' : '; kubectl not found, rendered locally'}`,
);
