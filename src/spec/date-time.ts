// RFC 7643 §2.3.5: a SCIM DateTime is "a valid xsd:dateTime" (XML Schema §3.3.7) that includes
// both a date and a time. Unlike RFC 3339's date-time, an xsd:dateTime may leave out its time
// zone: `2024-05-01T12:00:00.123` is valid (Java's LocalDateTime and many ORMs write it so).
// Lower-case `t` and `z`, which RFC 3339 allows, are accepted too.

const XSD_DATE_TIME = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-](0\d|1[0-4]):[0-5]\d)?$/i;
const HAS_ZONE = /(Z|[+-]\d{2}:\d{2})$/i;

/** The instant a SCIM DateTime stands for, in epoch ms; one without a time zone is read as UTC. */
export function instantOf(value: unknown): number | undefined {
  if (typeof value !== 'string' || !XSD_DATE_TIME.test(value)) return undefined;
  const ms = Date.parse(HAS_ZONE.test(value) ? value : `${value}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

export const isDateTime = (value: unknown): value is string => instantOf(value) !== undefined;

/** What a failure says a DateTime should look like. */
export const DATE_TIME_FORM = 'an xsd:dateTime (RFC 7643 §2.3.5) such as 2008-01-23T04:56:22Z';
