// What the browser test needs around the browser: the inkstone binary and its data directory,
// a roster delta built from the demo school's own export, a tiny zip writer, page checks.

import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const DEMO_PASSWORD = 'inkstone-demo';

/// The binary under test: INKSTONE_BIN, or the workspace's debug build.
export function binary() {
  const bin = process.env.INKSTONE_BIN ?? path.join(HERE, '..', 'target', 'debug', 'inkstone');
  if (!fs.existsSync(bin)) {
    throw new Error(`no inkstone binary at ${bin}: build it (cargo build -p cli) or set INKSTONE_BIN`);
  }
  return bin;
}

/// Chromium: CHROMIUM, or Debian's package.
export function chromiumPath() {
  const exe = process.env.CHROMIUM ?? '/usr/bin/chromium';
  if (!fs.existsSync(exe)) throw new Error(`no Chromium at ${exe}: apt-get install chromium, or set CHROMIUM`);
  return exe;
}

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export function tempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function run(bin, args, env) {
  return execFileSync(bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
}

/// Creates the small demo school in a fresh data directory, exports its roster (the real CLI
/// command), then serves it on a free port. Returns the base URL, the export folder and a stop().
export async function startServer() {
  const bin = binary();
  const data = tempDir('inkstone-e2e-data-');
  const exported = tempDir('inkstone-e2e-roster-');
  const env = { ...process.env, INKSTONE_DATA_DIR: data, INKSTONE_LOG: 'warn' };
  run(bin, ['demo', '--small'], env);
  run(bin, ['export', 'oneroster', '--out', exported], env);
  const port = await freePort();
  const child = spawn(bin, ['serve', '--demo', '--small', '--listen', `127.0.0.1:${port}`], {
    env, stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`inkstone serve exited ${child.exitCode}: ${stderr}`);
    try {
      const r = await fetch(`${base}/sign-in`);
      if (r.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error(`inkstone serve did not answer within 60 s: ${stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    fs.rmSync(data, { recursive: true, force: true });
    fs.rmSync(exported, { recursive: true, force: true });
  };
  return { base, exported, stop, stderr: () => stderr };
}

/// RFC 4180 CSV (quoted fields, doubled quotes) into rows of strings.
export function parseCsv(text) {
  const rows = [];
  let row = [], field = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += ch;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  const [header, ...body] = rows;
  return body.filter((r) => r.length > 1).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

function readCsv(dir, file) {
  return parseCsv(fs.readFileSync(path.join(dir, file), 'utf8'));
}

/// From the exported roster: the class that teacher01 teaches and student0001 is in, and its school.
export function classOf(exported, teacher, student) {
  const users = readCsv(exported, 'users.csv');
  const id = (username) => {
    const u = users.find((x) => x.username === username);
    if (!u) throw new Error(`${username} is not in the exported users.csv`);
    return u.sourcedId;
  };
  const enrollments = readCsv(exported, 'enrollments.csv');
  const [t, s] = [id(teacher), id(student)];
  const taught = new Set(enrollments.filter((e) => e.userSourcedId === t && e.role === 'teacher').map((e) => e.classSourcedId));
  const e = enrollments.find((x) => x.userSourcedId === s && taught.has(x.classSourcedId));
  if (!e) throw new Error(`${teacher} does not teach a class of ${student}`);
  const klass = readCsv(exported, 'classes.csv').find((c) => c.sourcedId === e.classSourcedId);
  const me = users.find((x) => x.username === student);
  const guardian = users.find((x) => me.agentSourcedIds.split(',').includes(x.sourcedId));
  if (!guardian) throw new Error(`${student} has no guardian in the exported users.csv`);
  const cjk = /^[\u3400-\u9fff]+$/;
  const name = me.preferredGivenName || (cjk.test(me.familyName) && cjk.test(me.givenName)
    ? `${me.familyName}${me.givenName}` : `${me.givenName} ${me.familyName}`);
  return { classSourcedId: e.classSourcedId, school: e.schoolSourcedId, title: klass?.title ?? '', studentName: name,
    guardian: guardian.username };
}

const MANIFEST_FILES = ['academicSessions', 'categories', 'classes', 'classResources', 'courses', 'courseResources',
  'demographics', 'enrollments', 'lineItemLearningObjectiveIds', 'lineItems', 'lineItemScoreScales', 'orgs',
  'resources', 'resultLearningObjectiveIds', 'results', 'resultScoreScales', 'roles', 'scoreScales',
  'userProfiles', 'userResources', 'users'];

/// A OneRoster 1.2 delta adding one student to a class: users, roles and enrollments.
/// `brokenClass` makes the enrollment point at a class that does not exist (a file:line error).
export function deltaRoster({ classSourcedId, school }, { sourcedId, username, given, family }, brokenClass = false) {
  const delta = new Set(['users', 'roles', 'enrollments']);
  const manifest = 'propertyName,value\r\nmanifest.version,1.0\r\noneroster.version,1.2\r\n'
    + MANIFEST_FILES.map((f) => `file.${f},${delta.has(f) ? 'delta' : 'absent'}`).join('\r\n')
    + '\r\nsource.systemName,e2e\r\nsource.systemCode,e2e\r\n';
  const q = (s) => `"${String(s).replaceAll('"', '""')}"`;
  const users = 'sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns\r\n'
    + `${sourcedId},active,2026-11-10T00:00:00Z,true,${username},,${q(given)},${q(family)},,E2E-1,,,,,07,,,,,,${school},\r\n`;
  const roles = 'sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId\r\n'
    + `${sourcedId}-role,active,2026-11-10T00:00:00Z,${sourcedId},primary,student,2026-09-01,,${school},\r\n`;
  const cls = brokenClass ? 'no-such-class' : classSourcedId;
  const enrollments = 'sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate\r\n'
    + `${sourcedId}-enr,active,2026-11-10T00:00:00Z,${cls},${school},${sourcedId},student,false,2026-09-01,\r\n`;
  return zip([['manifest.csv', manifest], ['users.csv', users], ['roles.csv', roles], ['enrollments.csv', enrollments]]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/// A zip of stored (uncompressed) files: enough for a roster of a few lines.
export function zip(files) {
  const locals = [], centrals = [];
  let offset = 0;
  for (const [name, text] of files) {
    const data = Buffer.from(text, 'utf8');
    const nameBuf = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(0, 8); local.writeUInt32LE(0, 10); local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18); local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26); local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8); central.writeUInt16LE(0, 10); central.writeUInt32LE(0, 12);
    central.writeUInt32LE(crc, 16); central.writeUInt32LE(data.length, 20); central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28); central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, data);
    centrals.push(central, nameBuf);
    offset += local.length + nameBuf.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(files.length, 8); end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const AXE_SOURCE = fs.readFileSync(path.join(HERE, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/// Runs axe-core on the page (WCAG 2.x A and AA rules); returns the violations.
export async function axe(page) {
  // Evaluated through the DevTools protocol, so the page's CSP (no inline script) stays in force.
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,
      targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
}
