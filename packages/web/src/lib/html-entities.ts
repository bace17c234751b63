/**
 * Character references in message text, decoded as a browser decodes them in HTML text: Markdown
 * lets people write `&copy;` or `&#169;` for ©. The parser (marked) leaves named references to
 * the browser; since messages are no longer parsed as HTML, this decodes them. Numeric references
 * and the HTML 4 names (the Latin-1, symbol and special sets, and `&apos;`) are decoded; a name
 * the table lacks reads as written, except that a legacy name at its start is decoded as a
 * browser does (`&notit;` → `¬it;`).
 */

/** The legacy names: a browser decodes these even without the semicolon, as the start of a longer word. */
const LEGACY =
  'aacute:e1 Aacute:c1 acirc:e2 Acirc:c2 acute:b4 aelig:e6 AElig:c6 agrave:e0 Agrave:c0 amp:26 AMP:26 aring:e5 ' +
  'Aring:c5 atilde:e3 Atilde:c3 auml:e4 Auml:c4 brvbar:a6 ccedil:e7 Ccedil:c7 cedil:b8 cent:a2 copy:a9 COPY:a9 ' +
  'curren:a4 deg:b0 divide:f7 eacute:e9 Eacute:c9 ecirc:ea Ecirc:ca egrave:e8 Egrave:c8 eth:f0 ETH:d0 euml:eb ' +
  'Euml:cb frac12:bd frac14:bc frac34:be gt:3e GT:3e iacute:ed Iacute:cd icirc:ee Icirc:ce iexcl:a1 igrave:ec ' +
  'Igrave:cc iquest:bf iuml:ef Iuml:cf laquo:ab lt:3c LT:3c macr:af micro:b5 middot:b7 nbsp:a0 not:ac ntilde:f1 ' +
  'Ntilde:d1 oacute:f3 Oacute:d3 ocirc:f4 Ocirc:d4 ograve:f2 Ograve:d2 ordf:aa ordm:ba oslash:f8 Oslash:d8 ' +
  'otilde:f5 Otilde:d5 ouml:f6 Ouml:d6 para:b6 plusmn:b1 pound:a3 quot:22 QUOT:22 raquo:bb reg:ae REG:ae sect:a7 ' +
  'shy:ad sup1:b9 sup2:b2 sup3:b3 szlig:df thorn:fe THORN:de times:d7 uacute:fa Uacute:da ucirc:fb Ucirc:db ' +
  'ugrave:f9 Ugrave:d9 uml:a8 uuml:fc Uuml:dc yacute:fd Yacute:dd yen:a5 yuml:ff';

/** The rest of HTML 4's names (code points as HTML5 maps them), which need their semicolon. */
const OTHERS =
  'apos:27 OElig:152 oelig:153 Scaron:160 scaron:161 Yuml:178 circ:2c6 tilde:2dc ensp:2002 emsp:2003 thinsp:2009 ' +
  'zwnj:200c zwj:200d lrm:200e rlm:200f ndash:2013 mdash:2014 lsquo:2018 rsquo:2019 sbquo:201a ldquo:201c ' +
  'rdquo:201d bdquo:201e dagger:2020 Dagger:2021 permil:2030 lsaquo:2039 rsaquo:203a euro:20ac fnof:192 ' +
  'Alpha:391 Beta:392 Gamma:393 Delta:394 Epsilon:395 Zeta:396 Eta:397 Theta:398 Iota:399 Kappa:39a Lambda:39b ' +
  'Mu:39c Nu:39d Xi:39e Omicron:39f Pi:3a0 Rho:3a1 Sigma:3a3 Tau:3a4 Upsilon:3a5 Phi:3a6 Chi:3a7 Psi:3a8 Omega:3a9 ' +
  'alpha:3b1 beta:3b2 gamma:3b3 delta:3b4 epsilon:3b5 zeta:3b6 eta:3b7 theta:3b8 iota:3b9 kappa:3ba lambda:3bb ' +
  'mu:3bc nu:3bd xi:3be omicron:3bf pi:3c0 rho:3c1 sigmaf:3c2 sigma:3c3 tau:3c4 upsilon:3c5 phi:3c6 chi:3c7 ' +
  'psi:3c8 omega:3c9 thetasym:3d1 upsih:3d2 piv:3d6 bull:2022 hellip:2026 prime:2032 Prime:2033 oline:203e ' +
  'frasl:2044 weierp:2118 image:2111 real:211c trade:2122 alefsym:2135 larr:2190 uarr:2191 rarr:2192 darr:2193 ' +
  'harr:2194 crarr:21b5 lArr:21d0 uArr:21d1 rArr:21d2 dArr:21d3 hArr:21d4 forall:2200 part:2202 exist:2203 ' +
  'empty:2205 nabla:2207 isin:2208 notin:2209 ni:220b prod:220f sum:2211 minus:2212 lowast:2217 radic:221a ' +
  'prop:221d infin:221e ang:2220 and:2227 or:2228 cap:2229 cup:222a int:222b there4:2234 sim:223c cong:2245 ' +
  'asymp:2248 ne:2260 equiv:2261 le:2264 ge:2265 sub:2282 sup:2283 nsub:2284 sube:2286 supe:2287 oplus:2295 ' +
  'otimes:2297 perp:22a5 sdot:22c5 lceil:2308 rceil:2309 lfloor:230a rfloor:230b lang:27e8 rang:27e9 loz:25ca ' +
  'spades:2660 clubs:2663 hearts:2665 diams:2666';

let named: Map<string, string> | undefined;
let legacy: Map<string, string> | undefined;
const table = (list: string) =>
  new Map(
    list.split(' ').map((e) => {
      const [name, hex] = e.split(':') as [string, string];
      return [name, String.fromCodePoint(parseInt(hex, 16))];
    }),
  );

const REFERENCE = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|(\w+));/g;

function numeric(code: number): string {
  // As HTML: zero, surrogates and values past Unicode read as the replacement character.
  return code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) ? '\uFFFD' : String.fromCodePoint(code);
}

function byName(ref: string, name: string): string {
  legacy ??= table(LEGACY);
  named ??= new Map([...legacy, ...table(OTHERS)]);
  const full = named.get(name);
  if (full !== undefined) return full;
  for (let end = name.length - 1; end >= 2; end--) {
    const start = legacy.get(name.slice(0, end));
    if (start !== undefined) return `${start}${name.slice(end)};`;
  }
  return ref;
}

/** Text with its character references (`&amp;`, `&#169;`, `&#xA9;`, `&copy;`) replaced by the characters. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(REFERENCE, (ref, dec: string | undefined, hex: string | undefined, name: string | undefined) =>
    name !== undefined ? byName(ref, name) : numeric(dec !== undefined ? Number(dec) : parseInt(hex!, 16)),
  );
}
