/**
 * Python's `strftime` and `strptime` for the date/time values of `datetime.ts`, with the common
 * directives (`%Y %y %m %d %j %H %I %p %M %S %f %z %Z %a %A %b %B %u %w %%`); any other directive is
 * an error naming it.
 */
import {
  DAY_NAMES,
  daysFromCivil,
  MONTH_NAMES,
  type PyDate,
  PyDateTime,
  pad,
  parseOffset,
} from './datetime.js';

export function strftime(value: PyDate | PyDateTime, format: unknown): string {
  if (typeof format !== 'string') throw new TypeError('strftime() needs a format string');
  const date = value instanceof PyDateTime ? value.date : value;
  const time = value instanceof PyDateTime ? value : undefined;
  const hour = time?.hour ?? 0;
  return format.replace(/%(.)/g, (_whole, directive: string) => {
    switch (directive) {
      case 'Y':
        return pad(date.year, 4);
      case 'y':
        return pad(date.year % 100);
      case 'm':
        return pad(date.month);
      case 'd':
        return pad(date.day);
      case 'j':
        return pad(date.days - daysFromCivil(date.year, 1, 1) + 1, 3);
      case 'H':
        return pad(hour);
      case 'I':
        return pad(hour % 12 === 0 ? 12 : hour % 12);
      case 'p':
        return hour < 12 ? 'AM' : 'PM';
      case 'M':
        return pad(time?.minute ?? 0);
      case 'S':
        return pad(time?.second ?? 0);
      case 'f':
        return pad(time?.microsecond ?? 0, 6);
      case 'z':
        return time?.tz ? time.tz.text().replace(/:/g, '') : '';
      case 'Z':
        return time?.tz ? (time.tz.offset === 0 ? 'UTC' : `UTC${time.tz.text()}`) : '';
      case 'a':
        return DAY_NAMES[date.weekday()]!.slice(0, 3);
      case 'A':
        return DAY_NAMES[date.weekday()]!;
      case 'b':
        return MONTH_NAMES[date.month - 1]!.slice(0, 3);
      case 'B':
        return MONTH_NAMES[date.month - 1]!;
      case 'u':
        return String(date.weekday() + 1);
      case 'w':
        return String((date.weekday() + 1) % 7);
      case '%':
        return '%';
      default:
        throw new TypeError(`strftime directive '%${directive}' is not supported`);
    }
  });
}

const STRPTIME_PARTS: Record<string, string> = {
  Y: '(?<Y>\\d{4})',
  y: '(?<y>\\d{2})',
  m: '(?<m>\\d{1,2})',
  d: '(?<d>\\d{1,2})',
  H: '(?<H>\\d{1,2})',
  I: '(?<I>\\d{1,2})',
  p: '(?<p>AM|PM|am|pm)',
  M: '(?<M>\\d{1,2})',
  S: '(?<S>\\d{1,2})',
  f: '(?<f>\\d{1,6})',
  z: '(?<z>Z|[+-]\\d{2}:?\\d{2}(?::?\\d{2})?)',
  b: '(?<b>[A-Za-z]{3})',
  B: '(?<B>[A-Za-z]+)',
  a: '[A-Za-z]{3}',
  A: '[A-Za-z]+',
  '%': '%',
};

export function strptime(text: unknown, format: unknown): PyDateTime {
  if (typeof text !== 'string' || typeof format !== 'string')
    throw new TypeError('strptime() needs a string and a format string');
  const pattern = format.replace(
    /%(.)|([.*+?^${}()|[\]\\])/g,
    (_whole, directive: string | undefined, special) => {
      if (directive === undefined) return `\\${special}`;
      const part = STRPTIME_PARTS[directive];
      if (part === undefined) throw new TypeError(`strptime directive '%${directive}' is not supported`);
      return part;
    },
  );
  const groups = new RegExp(`^${pattern}$`).exec(text)?.groups;
  if (groups === undefined) throw new TypeError('the text does not match the strptime format');
  const monthName = groups.B ?? groups.b;
  const month =
    monthName !== undefined
      ? MONTH_NAMES.findIndex((name) => name.toLowerCase().startsWith(monthName.toLowerCase())) + 1
      : Number(groups.m ?? 1);
  let hour = Number(groups.H ?? groups.I ?? 0);
  if (groups.p !== undefined) hour = (hour % 12) + (groups.p.toUpperCase() === 'PM' ? 12 : 0);
  const year =
    groups.Y !== undefined
      ? Number(groups.Y)
      : groups.y !== undefined
        ? 2000 + Number(groups.y) - (Number(groups.y) >= 69 ? 100 : 0)
        : 1900;
  const fields = [year, month, Number(groups.d ?? 1), hour, Number(groups.M ?? 0), Number(groups.S ?? 0)];
  const micros = groups.f === undefined ? 0 : Number(groups.f.padEnd(6, '0'));
  return PyDateTime.of([...fields, micros], parseOffset(groups.z));
}
