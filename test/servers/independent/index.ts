// An independent, minimal but correct SCIM 2.0 server on node:http, written for the harness's
// own tests from RFC 7643/7644 alone (it never imports src/server or src/filter). Options turn it
// into the kinds of correct servers a vendor ships: filters limited to `eq` and `and`, `value`
// as the only required part of emails/phoneNumbers/…, fewer attributes, a business rule that
// refuses some schema-valid users, required names, no ETags, no sorting; and the shapes SaaS
// endpoints take on the wire (another base path, small pages, integer or escaped ids, PascalCase
// names, filters on a few attributes only, a PUT that wants the id in its body).
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isDeepStrictEqual } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { ScimError, badRequest, notFound } from './errors.ts';
import { ALL_OPERATORS, matcher, parseFilter, splitUrn, undefinedAttributeIn, type FilterNode, type FilterOperator } from './filter.ts';
import { applyPatch } from './patch.ts';
import { applyPatchWithLibrary } from './patch-library.ts';
import { buildModels, COMMON, findAttr, schemaDocument, URNS, type ResourceModel } from './schema.ts';
import { EMAIL_UNLESS_USERNAME_IS_EMAIL, Store, versionOf, type BusinessRule, type Stored } from './store.ts';
import { normalize, type Resource } from './validate.ts';

export interface IndependentServerOptions {
  token?: string;
  /** Filter operators the server supports (default: all of RFC 7644 §3.4.2.2). */
  filterOperators?: readonly FilterOperator[];
  /** Core User attributes left out of the schema. */
  omitUserAttributes?: string[];
  /** Publish the enterprise User extension (default true). */
  enterprise?: boolean;
  /** What happens to attributes the schema does not define: refused with 400 (default) or dropped. */
  unknownAttributes?: 'reject' | 'ignore';
  /** Only `value` is required in emails, phoneNumbers, ims, photos, roles, entitlements, x509Certificates. */
  valueRequired?: boolean;
  /** Attribute paths required on top of userName (`name.givenName`). */
  require?: string[];
  /** A rule that refuses some schema-valid resources with 400 (`email-unless-username-is-email`). */
  businessRule?: 'email-unless-username-is-email' | BusinessRule;
  /** Advertise and honour ETags (default true). */
  etag?: boolean;
  /** Advertise and honour sortBy/sortOrder (default true). */
  sort?: boolean;
  /** Offer RFC 9865 cursor paging beside index paging (default false): keyset cursors over ids. */
  cursors?: boolean;
  /**
   * With `cursors`, page by cursor only, as Entra's own SCIM API and AWS IAM Identity Center do:
   * /ServiceProviderConfig says `pagination: { cursor: true, index: false, defaultPaginationMethod:
   * "cursor" }` (RFC 9865 §4), a list without `cursor` is the first cursor page (with nextCursor,
   * no startIndex), and a startIndex above 1 is refused with 400 invalidValue ('refused') or
   * ignored, the first cursor page answered ('ignored'). Sorting stays off (pages follow ids).
   */
  indexPaging?: 'refused' | 'ignored';
  /**
   * Meet the OpenID IPSIE SCIM profile at AL2 (Draft 00) on top of the interoperability profile,
   * read from the draft: /Bulk (RFC 7644 §3.7), no password attribute, group displayNames unique,
   * cursor paging. (Its rate limit is `rateLimit`, apart, since a limit slows every other check.)
   */
  ipsie?: boolean;
  /** Requests per second (a token bucket, one second's burst); beyond it 429 with Retry-After (IPSIE §4.3). */
  rateLimit?: number;
  /**
   * Meet the SCIM interoperability profile (draft-zollner-scim-interop-profile), read from the
   * draft apart from the reference server, and claim it (`interopProfileConformant`): undefined
   * attributes, schema URIs and filter attributes refused, every PATCH operation with a path,
   * complex replace replaces whole, and no free-form `type` (entitlements, roles and
   * x509Certificates, whose types have no canonical values, are not implemented).
   */
  interop?: boolean;
  /** The largest page it returns, advertised as filter.maxResults (default 200): lists page sooner. */
  maxResults?: number;
  /** Where the SCIM endpoints live (default /scim/v2; /api/scim/v2 and /scim are common). */
  basePath?: string;
  /**
   * How ids look: UUIDs (default), integers as strings ("1001"), upper-case UUIDs, or with characters a URL must escape ("u:1001|x@y", "a+1001 b'c"),
   * or 'escapes': a percent sign, a slash, a question mark and a hash ("p%1001/a?b#c"). RFC 7643 §3.1 leaves an id's characters to the
   * service provider; in a URL path segment each is percent-encoded (RFC 3986 §2.1, §3.3: an encoded "/" is data, not a separator).
   */
  ids?: 'uuid' | 'integer' | 'upper' | 'reserved' | 'plus' | 'escapes';
  /** Attribute names on the wire in PascalCase ("UserName", "TotalResults"): legal, names are case-insensitive (RFC 7643 §2.1). */
  pascalCase?: boolean;
  /**
   * A DEFECT, for tests: `attributes`/`excludedAttributes` ignored, every resource comes whole
   * (RFC 7644 §3.9: a resource returned "MUST contain no other attributes or sub-attributes than
   * those explicitly requested"); the attributes.* checks fail it.
   */
  ignoreProjection?: boolean;
  /** PUT needs the resource's `id` in the body, equal to the one in the URL (400 otherwise). */
  putRequiresId?: boolean;
  /** A User created without displayName gets one from name or userName. */
  defaultDisplayName?: boolean;
  /** externalId is not kept on Groups. */
  dropGroupExternalId?: boolean;
  /** The only attributes a filter may name (`userName`, `externalId` …); others are 400 invalidFilter. */
  filterAttributes?: string[];
  /** Lists without sortBy come newest first (default: oldest first). */
  newestFirst?: boolean;
  /**
   * A DEFECT, for tests (RFC 7644 §3.4.2.4): startIndex and count are ignored, every list answers
   * its first 20 matches, as SCIMMY does behind scimmy-routers on Express 5 (whose req.query the
   * routers cannot cast to numbers, so SCIMMY sees strings and falls back to its defaults).
   */
  pagingIgnored?: boolean;
  /** Group displayNames are unique, case-insensitively: a second one is 409 uniqueness. */
  uniqueGroupNames?: boolean;
  /**
   * Each email address belongs to one User, case-insensitively, and stays reserved after that User
   * is deleted (the product keeps its own account, as Better Auth's SCIM plugin does): a create or
   * replace carrying another User's address is 409 uniqueness, which RFC 7644 §3.12 Table 9 allows
   * ("already in use or are reserved") although /Schemas declares emails uniqueness "none".
   */
  reservedEmails?: boolean;
  /** Emails and phone numbers sent with no primary value get their first one marked primary. */
  primaryFirst?: boolean;
  /**
   * What a create answers besides 201: the resource (default), a Location header and no body
   * (RFC 7644 §3.3 says the body SHOULD hold the resource, so leaving it out is legal), or neither.
   */
  createBody?: 'resource' | 'none' | 'none-no-location';
  /** Every body gzip-encoded (HTTP-legal without Accept-Encoding: any coding is acceptable then, RFC 9110 §12.5.3). */
  gzip?: boolean;
  /**
   * The Location header of a 201 is a relative reference HTTP allows (RFC 9110 §10.2.2): a path
   * (`/scim/v2/Users/…`), or with 'resource' `Users/…` relative to the service root, as
   * elimity-com/scim writes it without a base URL (resolved against the POST's URL it names the same).
   */
  relativeLocation?: boolean | 'resource';
  /** meta.location relative to the service root (`Users/{id}`), as RFC 7643 §2.3.7 allows and shows. */
  relativeMetaLocation?: boolean;
  /** meta.created / lastModified with seven fractional digits, as .NET writes them (`.1230000Z`). */
  sevenDigitTimestamps?: boolean;
  /** `schemas` lists the extension URNs before the core schema. */
  extensionSchemasFirst?: boolean;
  /**
   * Lists carry only what RFC 7644 §3.4.2 requires: no Resources when nothing matches ("REQUIRED
   * if totalResults is non-zero") or for count=0 (§3.4.2.4: nothing "except for totalResults"),
   * and with `'paging-fields'` also no itemsPerPage/startIndex when the whole result is on the page
   * (both "REQUIRED when partial results are returned due to pagination").
   */
  sparseLists?: boolean | 'paging-fields';
  /**
   * An empty page says `"Resources": null` (no match, count=0, a startIndex past the end), as Go
   * servers built on elimity-com/scim write a nil slice: RFC 7643 §2.5 holds null and an
   * unassigned attribute equivalent, and §3.4.2 requires Resources only when totalResults is non-zero.
   */
  nullResources?: boolean;
  /**
   * Features the ServiceProviderConfig says are unsupported although the server offers them, as
   * elimity-com/scim writes `filter`/`patch` supported false until the app sets SupportFiltering
   * and SupportPatch, and directory-scimple `filter` false by default: Entra and Okta never read it.
   * 'etag': ETag headers and meta.version all the same; 'sort': sortBy honoured all the same.
   */
  understate?: ('filter' | 'patch' | 'etag' | 'sort')[];
  /**
   * PUT keeps the attributes its body leaves out (python-scim/scim2-server merges, citing RFC 7644
   * §3.5.1: omitted readWrite attributes "MAY be assumed to be not asserted by the client").
   */
  putMerges?: boolean;
  /**
   * A filter operator it does not support (outside `filterOperators`) is declined with 400, a
   * detail and no scimType, as Microsoft's SCIM reference code (NotSupportedException) and
   * django-scim2 do: RFC 7644 §3.12 makes scimType OPTIONAL, and §3.4.2.2's MUST of invalidFilter is
   * for an operator not recognized (a malformed or unknown one is still 400 invalidFilter).
   */
  declineFiltersWithoutScimType?: boolean;
  /** A successful DELETE answers this status (default 204, as RFC 7644 §3.6 requires). */
  deleteStatus?: number;
  /** Lists without sortBy come in a new order on every request ('alternate': forward, then reversed, in turn). */
  shuffle?: boolean | 'alternate';
  /**
   * A filter that does not parse (a missing value, an unbalanced parenthesis) matches nothing: 200
   * and an empty list. Table 9's 400 invalidFilter is a SHOULD (RFC 7644 §3.12); an unknown
   * operator is still 400 invalidFilter, which §3.4.2.2 requires.
   */
  lenientFilters?: boolean;
  /**
   * A POST or PUT carrying extension attributes whose URN is missing from `schemas` is 400
   * invalidSyntax (RFC 7643 §3: `schemas` names the schemas of the attributes present).
   */
  extensionsListed?: boolean;
  /**
   * Queries (filters, list pages, .search) answer from an index that sees each write this many ms
   * later (eventual consistency, which RFC 7644 does not forbid); reads by id are current.
   */
  searchLagMs?: number;
  /**
   * meta.created / lastModified without a time zone (`2024-05-01T12:00:00.123`, as Java's
   * LocalDateTime writes it: a valid xsd:dateTime, RFC 7643 §2.3.5), with `+00:00` for `Z`, or in
   * whole seconds (`2024-05-01T12:00:00Z`, Go's time.RFC3339 as elimity-com/scim writes it), or at
   * +02:00 (`2024-05-01T14:00:00.123+02:00`, the same instant as a server in a European time zone
   * writes OffsetDateTime.now()); on the wire only: the store keeps milliseconds in UTC.
   */
  timestamps?: 'no-zone' | 'offset' | 'seconds' | 'local-offset';
  /**
   * The origin the server believes it has behind a reverse proxy (`https://scim.example.com`):
   * meta.location, Location and $ref name it, while the harness reaches the server on 127.0.0.1.
   */
  publicOrigin?: string;
  /** Bodies sent with chunked transfer coding in small pieces (multi-byte characters split across chunks). */
  chunked?: boolean;
  /** `Connection: close` on every response: no connection is reused. */
  connectionClose?: boolean;
  /** A successful PATCH answers 204 No Content (RFC 7644 §3.5.2: 200 with the resource, or 204); 'groups': of a Group only, as Microsoft's SCIM reference code (a User PATCH answers 200 with the user). */
  patchNoContent?: boolean | 'groups';
  /** userName stored in lower case (caseExact false: RFC 7643 §7 lets the server alter its case). */
  lowercaseUserName?: boolean;
  /** Stored values get what the server knows: members their display, $ref and type; emails, phone numbers and addresses primary false; users active true. */
  enrich?: boolean;
  /**
   * Group members declared `returned: "request"` in /Schemas (RFC 7643 §2.2), as servers with large
   * groups do: a group is shown without members unless `attributes` names them (RFC 7644 §3.9).
   * 'undeclared': it behaves so while /Schemas says members are returned "default" (or a server
   * whose /Schemas is a template it never filled in): read-backs must ask for them all the same.
   */
  membersOnRequest?: boolean | 'undeclared';
  /**
   * Core User attributes declared `returned: "always"` in /Schemas (RFC 7643 §2.2: "always returned,
   * regardless of the contents of the attributes parameter"), as servers that always show userName,
   * displayName or active do: attributes= and excludedAttributes= never leave them out (RFC 7644 §3.9).
   */
  alwaysReturned?: string[];
  /**
   * Sub-attributes of core User attributes the schema leaves out (`emails.primary`: a server that
   * keeps no primary flag), so it neither declares nor stores them; sent anyway, they are refused
   * like any undefined attribute (or dropped with unknownAttributes 'ignore'). Not with `enrich`
   * or `primaryFirst`, which add `primary` themselves: the server would show a sub-attribute it
   * does not declare and refuse it when sent back (an inconsistent server, not a legal one).
   */
  omitSubAttributes?: string[];
  /** The token is read from this header (`X-Api-Key: <token>`) instead of `Authorization: Bearer`. */
  apiKeyHeader?: string;
  /**
   * The `detail` of its 401 answers, instead of its own sentence: a server whose framework puts
   * markup, newlines or terminal colour codes there (RFC 7644 §3.12 leaves `detail` free text).
   */
  unauthorizedDetail?: string;
  /**
   * A DEFECT, for tests: with `apiKeyHeader`, any value of that header is let in (only its presence
   * is checked), so a wrong key reads and writes the directory.
   */
  apiKeyAnyValue?: boolean;
  /** A DEFECT, for tests: a PATCH of a group answers as usual but leaves its members as they were. */
  patchKeepsMembers?: boolean;
  /**
   * A DEFECT, for tests (RFC 7643 §4.2 returns members by default): every Group answer shows
   * `members: []` whatever the group holds, as BoxyHQ Jackson's Directory Sync does (it keeps
   * memberships apart, for its webhooks). Memberships are kept; Entra never reads them back
   * ("returning members is not required", research E1), nor does Okta.
   */
  membersShownEmpty?: boolean;
  /**
   * A DEFECT, for tests: queries match userName and displayName as they were at create, a User's
   * userName as its first email address when it has one (BoxyHQ Jackson's Directory Sync keeps such
   * a search index): after a rename the old name still finds the resource, the new one does not,
   * and a user whose email differs from its userName is not found by its userName.
   */
  namesIndexedAtCreate?: boolean;
  /**
   * Group members shown as `{ value }` alone, whatever was sent with them (`type`, `$ref`, `display`
   * dropped): RFC 7643 §4.2 makes only `value` of a member meaningful to a client (type and $ref
   * are OPTIONAL sub-attributes of a complex attribute, §2.4), and §8.7.1 declares them immutable, not required.
   */
  membersValueOnly?: boolean;
  /** No /ServiceProviderConfig (404), as BoxyHQ Jackson's Directory Sync: it advertises no optional feature. */
  noServiceProviderConfig?: boolean;
  /** The Content-Type of its bodies (default `application/scim+json; charset=utf-8`): `application/json` as many frameworks send. */
  contentType?: string;
  /** Strong ETags (`"…"`) instead of weak ones (`W/"…"`): RFC 7232 allows either, RFC 7644 §3.14 shows weak ones. */
  strongEtags?: boolean;
  /** ETags in the ETag header only, not in meta.version (RFC 7644 §3.14: the header MUST, meta.version SHOULD). */
  etagHeaderOnly?: boolean;
  /**
   * A 409 names no scimType (RFC 7644 §3.12: scimType is OPTIONAL). Not legal for a duplicate
   * create: RFC 7644 §3.3 says it MUST be 409 with scimType "uniqueness", so
   * users.uniqueness.duplicate-409 fails it (and the IdP packs' uniqueness checks, blocksIdp false).
   */
  conflictWithoutScimType?: boolean;
  /** No POST /.search (RFC 7644 §3.4.3: clients MAY query by POST): answered with this status. */
  noSearch?: 404 | 405 | 501;
  /** A filter that is a lone `pr` (`userName pr`, every resource) is 400 tooMany, as RFC 7644 §3.12 Table 9 allows. */
  tooManyOnPresent?: boolean;
  /** A query without a filter is 400 tooMany (RFC 7644 §3.12 Table 9): the server lists only what is filtered, as Entra always asks. */
  tooManyWithoutFilter?: boolean;
  /** No PATCH (RFC 7644 §3.5.2 makes it optional): ServiceProviderConfig patch.supported false, and every PATCH is 501 (§3.12). Updates go by PUT, as Okta's AIW apps do. */
  noPatch?: boolean;
  /** PATCH remove with a value filter that matches nothing is 400 noTarget (RFC 7644 §3.12 Table 9, §3.5.2). */
  removeNoTarget?: boolean;
  /**
   * A User PATCH path with a value filter must end in a sub-attribute (`emails[type eq "work"].value`,
   * Entra's form); one that targets whole elements (`emails[type eq "home"]`) is declined with this
   * scimType (RFC 7644 §3.12 Table 9 lets a server decline a filter combination it does not support;
   * Better Auth's SCIM plugin says invalidPath).
   */
  declineElementFilters?: 'invalidFilter' | 'invalidPath';
  /**
   * A PATCH replace whose value filter names an attribute the resource holds no value of adds the
   * element the filter describes (RFC 7644 §3.5.2.3's first bullet, "an attribute that does not
   * exist" is treated as an add) instead of 400 noTarget (its value-filter bullet).
   */
  replaceAbsentAdds?: boolean;
  /** PATCH is applied by the scim-patch library (patch-library.ts), not by this server's patch.ts. */
  patchWith?: 'scim-patch';
  /** The page size of a list asked without `count` (RFC 7644 §3.4.2.4: "If not specified, the maximum number of results is set by the service provider"). */
  defaultCount?: number;
  /** Every User lists the enterprise extension's URN in `schemas`, with or without its attributes (as Microsoft.SCIM does). */
  listAllSchemas?: boolean;
  /**
   * A User extension of the vendor's own beside the enterprise one (`…:extension:acme:2.0:User`:
   * costCenter required, badgeId caseExact), declared required in /ResourceTypes, as a
   * SCIMMY vendor declares it (`User.extend(schema, true)`): every User carries it and lists its
   * URN in `schemas` too (RFC 7643 §3), so `schemas` names three URNs.
   */
  requiredCustomExtension?: boolean;
  /** Stored values get what the server derives: email values in lower case, name.formatted from its parts, manager its displayName and $ref (RFC 7644 §3.3: the server may alter what is POSTed). */
  derive?: boolean;
  /** User.groups declared `returned: "request"` (large directories) instead of default. */
  userGroupsOnRequest?: boolean;
  /**
   * Attributes declared `caseExact: true` in /Schemas and compared exactly by filters (RFC 7644
   * §3.4.2.2: "case sensitivity for String type attributes SHALL be determined by the attribute's
   * caseExact characteristic"), e.g. `{ user: ['displayName', 'emails.value'], group: ['displayName'] }`.
   * Legal where the RFC's text does not fix the attribute's case sensitivity (it fixes userName
   * caseExact false, RFC 7643 §4.1.1, and id and externalId caseExact true, §3.1).
   */
  caseExact?: { user?: string[]; group?: string[] };
  /**
   * Top-level User attributes declared `mutability: "immutable"` in /Schemas (RFC 7643 §2.2: set at
   * creation, "SHALL NOT be updated"), as products that never rename an account declare userName:
   * a PUT or PATCH that changes a value already set is 400 mutability (RFC 7644 §3.5.1, §3.5.2); a
   * PUT that leaves it out keeps it.
   */
  immutable?: string[];
  /**
   * Top-level User attributes declared `mutability: "readOnly"` in /Schemas (RFC 7643 §2.2: "SHALL
   * NOT be modified"), as products that manage them themselves do (`active` from their own license
   * seat, `emails` from the account, `displayName` computed): values sent in a POST or PUT are
   * ignored (RFC 7644 §3.5.1: "Any values provided SHALL be ignored"; a new User is active), and a
   * PATCH that would change one is 400 mutability (§3.5.2: "a client MUST NOT modify an attribute
   * that has mutability "readOnly""; §3.12 Table 9).
   */
  readOnly?: string[];
  /**
   * Top-level Group attributes declared `mutability: "readOnly"` in /Schemas (RFC 7643 §2.2), as a
   * product whose groups are managed elsewhere does (membership from its own rules, names from its
   * directory): values sent in a POST or PUT are ignored (RFC 7644 §3.5.1), a PATCH that would change
   * one is 400 mutability (§3.5.2). With displayName readOnly, a new group is named by the server
   * ("Group N"), and displayName is not required of the client.
   */
  groupReadOnly?: ('displayName' | 'members')[];
  /**
   * Group members left out by `excludedAttributes=members` are shown as `"members": []` (RFC 7643
   * §2.5: "Unassigned attributes, the null value, or empty array (in the case of a multi-valued
   * attribute) SHALL be considered to be equivalent in "state"").
   */
  excludedShownEmpty?: boolean;
  /** A DEFECT, for tests: with `readOnly`, a PUT that sends another value of one is refused with 400 mutability (RFC 7644 §3.5.1: such values "SHALL be ignored"). */
  readOnlyPutRefused?: boolean;
  /**
   * The scimType of its 400s: 'syntax' answers invalidSyntax where RFC 7644 Table 9 also fits
   * invalidValue (a body that does not fit the schema: a missing required value, a wrong type),
   * as servers that validate against a JSON schema do; 'none' sends no scimType on any error
   * (RFC 7644 §3.12: OPTIONAL), which is not legal where a section names the scimType: invalidFilter
   * for an unknown operator (§3.4.2.2 SHALL), noTarget for a remove without a path (§3.5.2.2),
   * uniqueness for a duplicate (§3.3): those checks fail it.
   */
  scimTypes?: 'syntax' | 'none';
  /** /Schemas leaves out every attribute characteristic equal to RFC 7643 §2.2's default (required false, caseExact false, mutability readWrite, returned default, uniqueness none) and descriptions. */
  terseSchemas?: boolean;
  /** /ServiceProviderConfig with only what RFC 7643 §5 needs of an unsupported feature (`bulk: { supported: false }`), no documentationUri, no meta. */
  terseConfig?: boolean;
  /** meta sub-attributes the server does not keep (`created`, `lastModified`, `location`): left out of every resource, and a filter on one is 400 invalidFilter. */
  omitMeta?: ('created' | 'lastModified' | 'location')[];
  /** With omitMeta: a filter on a timestamp it does not keep matches nothing (a comparison with no value is false) instead of 400 invalidFilter. */
  unkeptMetaMatchesNothing?: boolean;
  /**
   * externalId is not kept on Users either (RFC 7643 §3.1: OPTIONAL, issued by the client). Its
   * legality is open: externalId is readWrite and Entra can match on it; users.create.echo,
   * filter.pr (`externalId pr`) and the fuzz model fail it (round 7 sweep), so it is not in the
   * correct-server variants.
   */
  dropUserExternalId?: boolean;
  /** Phone numbers canonicalized, as RFC 7643 §4.1.2 says service providers SHOULD: no `tel:`, no visual separators (`tel:+1-555-010-0100` → `+15550100100`). */
  normalizePhones?: boolean;
  /** Error bodies carry `status` as a JSON number (400), as several libraries write it; RFC 7644 §3.12 says a string. A deviation, for tests. */
  numericErrorStatus?: boolean;
  /** No Group resource type (many apps provision users only): /ResourceTypes and /Schemas list none, /Groups is 404. */
  noGroups?: boolean;
  /** Listen on this host (default 127.0.0.1; `::1` for IPv6). */
  host?: string;
  /**
   * A live tenant, not an empty one: this many Users and Groups exist before any run (userNames of
   * several shapes, some like a run prefix `spf…-`, many on one domain, every fifth inactive); the
   * first group holds `bigGroup` members (default: every User, at most 2,000).
   */
  seed?: { users: number; groups: number; bigGroup?: number };
  /** userName rules of a product (RFC 7643 leaves them to the service provider): an email address only (400 otherwise, as Slack and Zoom), at most `maxLength` characters. */
  userNameRule?: { email?: boolean; maxLength?: number };
  /** Multi-valued User attributes of which one value is kept (the primary, else the first) and the others dropped (RFC 7644 §3.3: the server may alter what is POSTed). */
  oneValueOf?: string[];
  /** Operations a product does not offer, each answered with its status (405 or 501): `DELETE User` (deprovision by active false), `PUT User`, `PUT Group`, `DELETE Group`. */
  refuse?: Partial<Record<'DELETE User' | 'DELETE Group' | 'PUT User' | 'PUT Group', 403 | 405 | 501>>;
  /** /Me answers this status (default 404: no such endpoint; 501 as RFC 7644 §3.11 allows). */
  meStatus?: number;
  /** A DEFECT, for tests: with `oneValueOf`, the create and replace answers echo every value sent although only one is stored. */
  echoDropped?: boolean;
  /** A DEFECT, for tests: with `userNameRule.email`, a userName that is not an email is not refused but silently rewritten (`x` → `x@rewritten.example`). */
  rewriteUserName?: boolean;
  /**
   * Error bodies without `detail` (RFC 7644 §3.12: OPTIONAL): `{schemas, status}` and a scimType
   * where one applies, as elimity-com/scim writes an error its app's handler gave no detail (the
   * library's own errors carry one). Okta's Spec Test asks for a detail on its 401 and 404.
   */
  errorDetail?: false;
  /**
   * A Location header on every answer: a single resource's own URL (GET, PUT, PATCH, as
   * directory-scimple and django-scim2 send it), otherwise the request's URL, errors included (as
   * python-scim/scim2-server does). RFC 7644 names Location for a 201 only; HTTP allows it anywhere.
   */
  locationEverywhere?: boolean;
  /**
   * /ServiceProviderConfig, /Schemas and /ResourceTypes answer without credentials, as
   * python-scim/scim2-server serves them (RFC 7644 §4: discovery endpoints MAY be unauthenticated).
   */
  publicDiscovery?: boolean;
  /** ListResponse members in streaming order: `Resources` before totalResults, itemsPerPage and startIndex (the UnboundID SDK's ListResponseWriter); JSON member order carries no meaning (RFC 8259 §4). */
  listFieldsLast?: boolean;
  /** A PATCH that changes nothing (a value already there) answers 204 without a body and keeps the version; others answer 200 (SimpleIdServer; RFC 7644 §3.5.2 allows 204). */
  unchangedPatchNoContent?: boolean;
  /**
   * What elimity-com/scim writes for what an app leaves unset: ServiceProviderConfig
   * `documentationUri: ""` and `filter.maxResults: 0` (it pages by 100 all the same), and each
   * ResourceType with `id: ""` (RFC 7643 §6: id is OPTIONAL for a ResourceType; its name is REQUIRED).
   */
  unsetDiscoveryValues?: boolean;
  /** A POST or PUT body naming one attribute twice in different letter cases (`userName` and `UserName`) is 400 invalidSyntax, as elimity-com/scim matches names case-insensitively (RFC 7643 §2.1) and refuses the duplicate. */
  duplicateKeysRefused?: boolean;
  /**
   * Multi-valued attributes kept in the server's own order, not the order sent: sorted by `value`
   * (as a database index returns rows), so `emails`, `phoneNumbers`, `members` … come back reordered.
   */
  valuesSorted?: boolean;
  /** The `type` of emails, phoneNumbers, addresses, ims and photos stored capitalized (`Work`), as an enum serializer writes it: `type` is caseExact false (RFC 7643 §4.1.2), so the server may alter its case. */
  typesCapitalized?: boolean;
  /** A User created without `active` is stored inactive (`active: false`): RFC 7643 §4.1.1 gives `active` no default, its meaning is the service provider's. */
  inactiveByDefault?: boolean;
  /** Group displayNames stored in lower case (`sales emea`), as products whose groups are Unix-style names do: displayName is caseExact false, so RFC 7643 §7 lets the server alter its case. */
  lowercaseGroupNames?: boolean;
  /** A PATCH body's `schemas` must be exactly `["urn:ietf:params:scim:api:messages:2.0:PatchOp"]` (elimity-com/scim): anything more is 400 invalidSyntax. */
  patchSchemasExact?: boolean;
}

export interface IndependentServer {
  url: string;
  token: string;
  close(): Promise<void>;
}

const BASE = '/scim/v2';
const MAX_BULK_OPERATIONS = 100;
/** Multi-valued attributes whose `type` RFC 7643 leaves free-form: no canonical values to declare (interop profile §5.4). */
const FREE_FORM_TYPES = ['entitlements', 'roles', 'x509Certificates'];
const MAX_RESULTS = 200;
const MAX_BODY = 1_000_000;
const CONTENT_TYPE = 'application/scim+json; charset=utf-8';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

interface Ctx {
  base: string;
  maxResults: number;
  ignoreProjection: boolean;
  putRequiresId: boolean;
  defaultDisplayName: boolean;
  dropGroupExternalId: boolean;
  filterAttributes: string[] | undefined;
  newestFirst: boolean;
  pagingIgnored: boolean;
  primaryFirst: boolean;
  createBody: 'resource' | 'none' | 'none-no-location';
  relativeLocation: boolean | 'resource';
  relativeMetaLocation: boolean;
  sparseLists: boolean | 'paging-fields';
  nullResources: boolean;
  understate: ('filter' | 'patch' | 'etag' | 'sort')[];
  putMerges: boolean;
  declineFiltersWithoutScimType: boolean;
  deleteStatus: number;
  shuffle: boolean | 'alternate';
  /** Lists served so far (for shuffle "alternate"). */
  lists: number;
  lenientFilters: boolean;
  models: { user: ResourceModel; group: ResourceModel };
  store: Store;
  operators: readonly FilterOperator[];
  rejectUnknown: boolean;
  etag: boolean;
  sort: boolean;
  cursors: boolean;
  interop: boolean;
  extensionsListed: boolean;
  bulk: boolean;
  baseUrl: string;
  patchNoContent: boolean | 'groups';
  lowercaseUserName: boolean;
  enrich: boolean;
  apiKeyHeader: string | undefined;
  unauthorizedDetail: string | undefined;
  apiKeyAnyValue: boolean;
  patchKeepsMembers: boolean;
  membersShownEmpty: boolean;
  membersValueOnly: boolean;
  readOnlyPutRefused: boolean;
  indexPaging: 'refused' | 'ignored' | undefined;
  excludedShownEmpty: boolean;
  /** membersOnRequest 'undeclared': /Schemas says members are returned "default". */
  membersUndeclared: boolean;
  /** With namesIndexedAtCreate: id → userName and displayName as created. */
  createdNames: Map<string, Resource> | undefined;
  noServiceProviderConfig: boolean;
  strongEtags: boolean;
  etagHeaderOnly: boolean;
  noSearch: 404 | 405 | 501 | undefined;
  tooManyOnPresent: boolean;
  tooManyWithoutFilter: boolean;
  noPatch: boolean;
  removeNoTarget: boolean;
  declineElementFilters: 'invalidFilter' | 'invalidPath' | undefined;
  replaceAbsentAdds: boolean;
  patchWith: 'scim-patch' | undefined;
  defaultCount: number | undefined;
  listAllSchemas: boolean;
  derive: boolean;
  terseSchemas: boolean;
  terseConfig: boolean;
  omitMeta: string[];
  unkeptMetaMatchesNothing: boolean;
  dropUserExternalId: boolean;
  normalizePhones: boolean;
  noGroups: boolean;
  userNameRule: { email?: boolean; maxLength?: number } | undefined;
  oneValueOf: string[];
  refuse: IndependentServerOptions['refuse'];
  meStatus: number | undefined;
  echoDropped: boolean;
  rewriteUserName: boolean;
  locationEverywhere: boolean;
  publicDiscovery: boolean;
  listFieldsLast: boolean;
  unchangedPatchNoContent: boolean;
  unsetDiscoveryValues: boolean;
  patchSchemasExact: boolean;
  duplicateKeysRefused: boolean;
  valuesSorted: boolean;
  typesCapitalized: boolean;
  inactiveByDefault: boolean;
  lowercaseGroupNames: boolean;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const errorBody = (status: number, scimType: string | undefined, detail: string) => ({ schemas: [URNS.error], status: String(status), ...(scimType ? { scimType } : {}), detail });

function spc(ctx: Ctx): Resource {
  if (ctx.unsetDiscoveryValues) return { ...fullSpc(ctx), documentationUri: '', filter: { supported: !ctx.understate.includes('filter'), maxResults: 0 } };
  if (ctx.terseConfig) {
    const { documentationUri: _d, meta: _m, bulk: _b, ...rest } = fullSpc(ctx);
    return { ...rest, bulk: ctx.bulk ? fullSpc(ctx).bulk : { supported: false } };
  }
  return fullSpc(ctx);
}

function fullSpc(ctx: Ctx): Resource {
  return {
    schemas: [URNS.spc],
    documentationUri: 'https://example.com/independent-scim',
    patch: { supported: !ctx.noPatch && !ctx.understate.includes('patch') },
    bulk: ctx.bulk ? { supported: true, maxOperations: MAX_BULK_OPERATIONS, maxPayloadSize: MAX_BODY } : { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: !ctx.understate.includes('filter'), maxResults: ctx.maxResults },
    changePassword: { supported: findAttr(ctx.models.user.core.attributes, 'password') !== undefined },
    sort: { supported: ctx.sort && !ctx.understate.includes('sort') },
    etag: { supported: ctx.etag && !ctx.understate.includes('etag') },
    ...(ctx.interop ? { interopProfileConformant: true } : {}),
    ...(ctx.cursors ? { pagination: { cursor: true, index: ctx.indexPaging === undefined, defaultPaginationMethod: ctx.indexPaging === undefined ? 'index' : 'cursor', defaultPageSize: CURSOR_PAGE, maxPageSize: CURSOR_PAGE, cursorTimeout: 3600 } } : {}),
    authenticationSchemes: [{ type: 'oauthbearertoken', name: 'OAuth Bearer Token', description: 'Authentication with a bearer token', primary: true }],
    meta: { resourceType: 'ServiceProviderConfig', location: `${ctx.baseUrl}/ServiceProviderConfig` },
  };
}

function resourceTypes(ctx: Ctx): Resource[] {
  return [ctx.models.user, ...(ctx.noGroups ? [] : [ctx.models.group])].map((m) => ({
    schemas: [URNS.resourceType],
    id: ctx.unsetDiscoveryValues ? '' : m.kind,
    name: m.kind,
    endpoint: m.endpoint,
    description: m.kind,
    schema: m.core.id,
    schemaExtensions: m.extensions.map((e) => ({ schema: e.id, required: e.required ?? false })),
    meta: { resourceType: 'ResourceType', location: `${ctx.baseUrl}/ResourceTypes/${m.kind}` },
  }));
}

const listOf = (resources: unknown[], total = resources.length, startIndex = 1) => ({ schemas: [URNS.list], totalResults: total, itemsPerPage: resources.length, startIndex, Resources: resources });

/** `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5); id and schemas are always returned. */
function project(model: ResourceModel, whole: Resource, attributes?: string, excluded?: string, excludedShownEmpty = false): Resource {
  const always = model.core.attributes.filter((a) => a.returned === 'always').map((a) => a.name.toLowerCase());
  const projected = projectAsked(model, whole, attributes, excluded);
  for (const [key, value] of Object.entries(whole)) if (always.includes(key.toLowerCase()) && !(key in projected)) projected[key] = value;
  // RFC 7643 §2.5: an empty array and an unassigned attribute are the same state.
  if (excludedShownEmpty && model.kind === 'Group' && (excluded ?? '').split(',').some((e) => e.trim().toLowerCase() === 'members')) projected.members = [];
  return projected;
}

function projectAsked(model: ResourceModel, resource: Resource, attributes?: string, excluded?: string): Resource {
  const onRequest = model.core.attributes.filter((a) => a.returned === 'request').map((a) => a.name.toLowerCase());
  if (onRequest.length > 0) {
    const asked = (attributes ?? '').split(',').map((s) => s.trim().toLowerCase().replace(/^urn:.*:/, '').split('.')[0]);
    resource = Object.fromEntries(Object.entries(resource).filter(([k]) => !onRequest.includes(k.toLowerCase()) || asked.includes(k.toLowerCase())));
  }
  const parse = (list: string) => list.split(',').map((s) => s.trim()).filter((s) => s !== '').map((p) => {
    const urn = splitUrn(model, p);
    const [name, sub] = (urn ? urn.rest : p).split('.') as [string, string | undefined];
    const extId = urn && urn.schemaId !== model.core.id ? urn.schemaId : model.extensions.find((e) => e.id.toLowerCase() === p.toLowerCase())?.id;
    return { extId, name: extId && !urn ? undefined : name, sub };
  });
  const keyOf = (holder: Resource, name: string) => Object.keys(holder).find((k) => k.toLowerCase() === name.toLowerCase());
  if (attributes) {
    const out: Resource = { schemas: resource.schemas, id: resource.id };
    for (const { extId, name, sub } of parse(attributes)) {
      const from = extId ? (resource[extId] as Resource | undefined) : resource;
      if (!from) continue;
      const to = extId ? ((out[extId] as Resource | undefined) ?? (out[extId] = {})) as Resource : out;
      if (name === undefined) {
        Object.assign(to, from);
        continue;
      }
      const key = keyOf(from, name);
      if (key === undefined) continue;
      const value = from[key];
      if (sub === undefined) to[key] = value;
      else if (Array.isArray(value)) to[key] = value.map((el) => pickSub(el, sub));
      else if (value && typeof value === 'object') to[key] = { ...((to[key] as Resource | undefined) ?? {}), ...pickSub(value, sub) };
    }
    for (const extId of model.extensions.map((e) => e.id)) if (out[extId] && Object.keys(out[extId] as object).length === 0) delete out[extId];
    return out;
  }
  if (excluded) {
    const out = structuredClone(resource);
    for (const { extId, name, sub } of parse(excluded)) {
      const holder = extId ? (out[extId] as Resource | undefined) : out;
      if (!holder) continue;
      if (name === undefined) {
        delete out[extId!];
        continue;
      }
      const key = keyOf(holder, name);
      if (key === undefined || key === 'id' || key === 'schemas') continue;
      if (sub === undefined) delete holder[key];
      else for (const el of Array.isArray(holder[key]) ? (holder[key] as Resource[]) : [holder[key] as Resource]) if (el && typeof el === 'object') delete el[keyOf(el, sub) ?? sub];
    }
    return out;
  }
  return resource;
}

function pickSub(el: unknown, sub: string): Resource {
  if (!el || typeof el !== 'object') return {};
  const key = Object.keys(el).find((k) => k.toLowerCase() === sub.toLowerCase());
  return key === undefined ? {} : { [key]: (el as Resource)[key] };
}

function intParam(raw: string | null, name: string): number | undefined {
  if (raw === null || raw === '') return undefined;
  if (!/^-?\d+$/.test(raw.trim())) throw badRequest('invalidValue', `${name} must be an integer`);
  return Number(raw);
}

function sortKey(model: ResourceModel, resource: Resource, path: string): string | number | undefined {
  const urn = splitUrn(model, path);
  const ext = urn && urn.schemaId !== model.core.id ? urn.schemaId : undefined;
  const [name, sub] = (urn ? urn.rest : path).split('.') as [string, string | undefined];
  const defs = ext ? model.extensions.find((e) => e.id === ext)!.attributes : [...COMMON, ...model.core.attributes];
  const def = findAttr(defs, name);
  if (!def) return undefined;
  const holder = (ext ? resource[ext] : resource) as Resource | undefined;
  let value = holder?.[def.name];
  if (Array.isArray(value)) value = value.find((v) => (v as Resource).primary === true) ?? value[0];
  if (value && typeof value === 'object') value = (value as Resource)[findAttr(def.subAttributes, sub ?? 'value')?.name ?? 'value'];
  if (typeof value === 'string') return def.caseExact ? value : value.toLowerCase();
  return typeof value === 'number' ? value : undefined;
}

const UNKNOWN_OPERATOR = /^\s*[\w.:$-]+\s+(?!(?:eq|ne|co|sw|ew|gt|ge|lt|le|pr)\b)[a-z]{2}\s/i;

/** A filter that does not parse matches nothing (undefined), unless it names an unknown operator. */
function leniently(text: string, operators: readonly FilterOperator[]): FilterNode | undefined {
  try {
    return parseFilter(text, operators);
  } catch (error) {
    if (error instanceof ScimError && !UNKNOWN_OPERATOR.test(text) && !/not supported/.test(error.message)) return undefined;
    throw error;
  }
}

/** SCIMMY's page size when it gets no count it can read (`pagingIgnored`). */
const IGNORED_PAGING_COUNT = 20;

type SearchParams = { filter?: string | null; cursor?: string | null; startIndex?: number; count?: number; sortBy?: string | null; sortOrder?: string | null; attributes?: string | null; excludedAttributes?: string | null };

function search(ctx: Ctx, model: ResourceModel, params: SearchParams): Reply {
  let reply: Reply;
  try {
    reply = searchPage(ctx, model, params);
  } catch (error) {
    // Declined as Microsoft's SCIM reference code and django-scim2 decline: 400, a detail, no scimType.
    if (ctx.declineFiltersWithoutScimType && error instanceof ScimError && error.scimType === 'invalidFilter' && / is not supported/.test(error.message)) throw new ScimError(400, undefined, error.message);
    throw error;
  }
  const list = reply.body as { Resources?: unknown[] | null } | undefined;
  if (ctx.nullResources && list && Array.isArray(list.Resources) && list.Resources.length === 0) list.Resources = null;
  return reply;
}

function searchPage(ctx: Ctx, model: ResourceModel, params: SearchParams): Reply {
  let items = [...ctx.store.searchable(model.kind).values()].map((s) => rendered(ctx, model, s));
  if (ctx.newestFirst) items.reverse();
  if (ctx.shuffle === 'alternate' && ctx.lists++ % 2 === 1) items.reverse();
  else if (ctx.shuffle === true) items = items.map((r) => ({ r, k: Math.random() })).sort((a, b) => a.k - b.k).map((x) => x.r);
  const filtered = params.filter !== undefined && params.filter !== null && params.filter.trim() !== '';
  if (ctx.tooManyWithoutFilter && !filtered) throw badRequest('tooMany', `a query without a filter would return every ${model.kind}; filter on a value`);
  if (filtered) {
    const node = ctx.lenientFilters ? leniently(params.filter!, ctx.operators) : parseFilter(params.filter!, ctx.operators);
    if (node === undefined) return { status: 200, body: listOf([], 0) };
    if (ctx.tooManyOnPresent && node.op === 'pr') throw badRequest('tooMany', `"${params.filter}" would return every ${model.kind}; filter on a value`);
    const undefinedPath = ctx.interop ? undefinedAttributeIn(model, node) : undefined;
    if (undefinedPath !== undefined) throw badRequest('invalidFilter', `the filter names "${undefinedPath}", which ${model.kind} does not define in /Schemas`);
    // A server that keeps no timestamps cannot filter on them (RFC 7644 Table 9: invalidFilter, "not supported").
    const untimed = attributePaths(model, node).find((p) => ctx.omitMeta.some((m) => p.toLowerCase() === `meta.${m.toLowerCase()}`));
    if (untimed !== undefined && !ctx.unkeptMetaMatchesNothing) throw badRequest('invalidFilter', `this server keeps no ${untimed}`);
    const unfilterable = ctx.filterAttributes ? attributePaths(model, node).find((p) => !ctx.filterAttributes!.includes(p.toLowerCase())) : undefined;
    if (unfilterable !== undefined) throw badRequest('invalidFilter', `this server cannot filter on "${unfilterable}"`);
    const match = matcher(model, node);
    const asIndexed = (r: Resource): Resource => ({ ...r, ...ctx.createdNames?.get(String(r.id)) });
    items = items.filter((r) => match(asIndexed(r)));
  }
  if (ctx.sort && params.sortBy) {
    const descending = params.sortOrder?.toLowerCase() === 'descending';
    const keyed = items.map((r) => ({ r, k: sortKey(model, r, params.sortBy!) }));
    keyed.sort((a, b) => {
      if (a.k === undefined || b.k === undefined) return a.k === b.k ? 0 : a.k === undefined ? 1 : -1;
      const c = a.k < b.k ? -1 : a.k > b.k ? 1 : 0;
      return descending ? -c : c;
    });
    items = keyed.map((x) => x.r);
  }
  if (ctx.cursors && ctx.indexPaging !== undefined && (params.cursor === undefined || params.cursor === null)) {
    if (ctx.indexPaging === 'refused' && (params.startIndex ?? 1) > 1) throw badRequest('invalidValue', 'index-based pagination is not supported (pagination.index is false): follow nextCursor');
    return cursorPage(items, '', params.count, (r) => project(model, r, params.attributes ?? undefined, params.excludedAttributes ?? undefined, ctx.excludedShownEmpty));
  }
  if (ctx.cursors && params.cursor !== undefined && params.cursor !== null) return cursorPage(items, params.cursor, params.count, (r) => project(model, r, params.attributes ?? undefined, params.excludedAttributes ?? undefined, ctx.excludedShownEmpty));
  const startIndex = ctx.pagingIgnored ? 1 : Math.max(1, params.startIndex ?? 1);
  const count = ctx.pagingIgnored ? Math.min(ctx.maxResults, IGNORED_PAGING_COUNT) : Math.min(ctx.maxResults, Math.max(0, params.count ?? ctx.defaultCount ?? ctx.maxResults));
  const page = items.slice(startIndex - 1, startIndex - 1 + count).map((r) => (ctx.ignoreProjection ? r : project(model, r, params.attributes ?? undefined, params.excludedAttributes ?? undefined, ctx.excludedShownEmpty)));
  if (ctx.sparseLists) {
    const whole = ctx.sparseLists === 'paging-fields' && startIndex === 1 && page.length === items.length;
    const resources = items.length > 0 && count > 0;
    const list: Resource = { schemas: [URNS.list], totalResults: items.length, ...(whole ? {} : { itemsPerPage: page.length, startIndex }), ...(resources ? { Resources: page } : {}) };
    return { status: 200, body: list };
  }
  return { status: 200, body: listOf(page, items.length, startIndex) };
}

// RFC 9865 written from the RFC, apart from the reference server: a cursor names the id a page
// ends after (or, going back, the id it starts before), in id order, so creates and deletes between
// pages never shift a page. Opaque to clients: base64url of a small JSON object.
const CURSOR_PAGE = 50;

function encodeCursor(position: { after: string } | { before: string }): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { after: string } | { before: string } | undefined {
  if (cursor === '') return undefined;
  let position: unknown;
  try {
    position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    position = undefined;
  }
  const p = position as { after?: unknown; before?: unknown } | undefined;
  if (p && typeof p.after === 'string') return { after: p.after };
  if (p && typeof p.before === 'string') return { before: p.before };
  throw new ScimError(400, 'invalidCursor', 'the cursor is not one this server issued');
}

function cursorPage(matching: Resource[], cursor: string, count: number | undefined, shape: (r: Resource) => Resource): Reply {
  const size = Math.min(CURSOR_PAGE, Math.max(0, count ?? CURSOR_PAGE));
  const sorted = [...matching].sort((a, b) => (String(a.id) < String(b.id) ? -1 : String(a.id) > String(b.id) ? 1 : 0));
  const position = decodeCursor(cursor);
  let from = 0;
  if (position && 'after' in position) from = sorted.findIndex((r) => String(r.id) > position.after);
  if (position && 'before' in position) from = Math.max(0, sorted.findIndex((r) => String(r.id) >= position.before) - size);
  if (from < 0) from = sorted.length;
  if (position && 'before' in position && !sorted.some((r) => String(r.id) >= position.before)) from = Math.max(0, sorted.length - size);
  const page = sorted.slice(from, from + size);
  const last = page.at(-1);
  const first = page[0];
  return {
    status: 200,
    body: {
      schemas: [URNS.list],
      totalResults: sorted.length,
      itemsPerPage: page.length,
      Resources: page.map(shape),
      ...(last && from + size < sorted.length ? { nextCursor: encodeCursor({ after: String(last.id) }) } : {}),
      ...(first && from > 0 ? { previousCursor: encodeCursor({ before: String(first.id) }) } : {}),
    },
  };
}

/** The attribute paths a filter names (core URN prefix dropped; a value path by its attribute). */
function attributePaths(model: ResourceModel, node: FilterNode): string[] {
  const n = node as { op: string; attrPath?: string; filters?: FilterNode[]; filter?: FilterNode };
  if (n.op === 'and' || n.op === 'or') return (n.filters ?? []).flatMap((f) => attributePaths(model, f));
  if (n.op === 'not') return attributePaths(model, n.filter!);
  const urn = splitUrn(model, n.attrPath!);
  return [urn && urn.schemaId === model.core.id ? urn.rest : n.attrPath!];
}

/** What the server stores: with primaryFirst, the first email and phone number become primary when none is. */
function withPrimary(ctx: Ctx, data: Resource): Resource {
  if (ctx.userNameRule && typeof data.userName === 'string') data.userName = ruledUserName(ctx, data.userName);
  if (ctx.lowercaseUserName && typeof data.userName === 'string') data.userName = data.userName.toLowerCase();
  if (ctx.lowercaseGroupNames && !('userName' in data) && typeof data.displayName === 'string') data.displayName = data.displayName.toLowerCase();
  for (const name of ctx.oneValueOf) {
    const values = data[name];
    if (Array.isArray(values) && values.length > 1) data[name] = [values.find((v) => (v as Resource)?.primary === true) ?? values[0]];
  }
  if (ctx.enrich) {
    if (Array.isArray(data.members)) data.members = data.members.map((m) => { const v = String((m as Resource).value); const u = ctx.store.users.get(v); return { ...(m as Resource), type: u ? 'User' : 'Group', display: String(u?.data.displayName ?? u?.data.userName ?? ctx.store.groups.get(v)?.data.displayName ?? ''), $ref: `${ctx.baseUrl}/${u ? 'Users' : 'Groups'}/${encodeURIComponent(v)}` }; });
    for (const name of ['emails', 'phoneNumbers', 'addresses']) if (Array.isArray(data[name])) data[name] = (data[name] as Resource[]).map((e) => ({ primary: false, ...e }));
    if (data.active === undefined && ctx.models.user.core.attributes.some((a) => a.name === 'active') && 'userName' in data) data.active = true;
  }
  if (ctx.derive) {
    if (Array.isArray(data.emails)) data.emails = data.emails.map((e) => (typeof (e as Resource).value === 'string' ? { ...(e as Resource), value: String((e as Resource).value).toLowerCase() } : e));
    const name = data.name as Resource | undefined;
    if (name && name.formatted === undefined && (name.givenName !== undefined || name.familyName !== undefined)) name.formatted = [name.givenName, name.familyName].filter((p) => p !== undefined).join(' ');
    const ext = data[URNS.enterprise] as Resource | undefined;
    const manager = ext?.manager as Resource | undefined;
    const boss = typeof manager?.value === 'string' ? ctx.store.users.get(manager.value) : undefined;
    if (ext && manager && boss) ext.manager = { ...manager, displayName: String(boss.data.displayName ?? boss.data.userName), $ref: `${ctx.baseUrl}/Users/${encodeURIComponent(boss.id)}` };
  }
  if (ctx.dropUserExternalId && 'userName' in data) delete data.externalId;
  if (ctx.typesCapitalized) for (const name of ['emails', 'phoneNumbers', 'addresses', 'ims', 'photos']) if (Array.isArray(data[name])) data[name] = (data[name] as Resource[]).map((v) => (v && typeof v.type === 'string' ? { ...v, type: v.type.charAt(0).toUpperCase() + v.type.slice(1) } : v));
  if (ctx.valuesSorted) for (const [name, values] of Object.entries(data)) if (Array.isArray(values) && values.every((v) => v && typeof v === 'object' && 'value' in v)) data[name] = [...values].sort((a, b) => String((a as Resource).value).localeCompare(String((b as Resource).value)));
  if (ctx.normalizePhones && Array.isArray(data.phoneNumbers)) data.phoneNumbers = data.phoneNumbers.map((p) => (typeof (p as Resource).value === 'string' ? { ...(p as Resource), value: String((p as Resource).value).replace(/^tel:/i, '').replace(/[\s\-.()]/g, '') } : p));
  if (!ctx.primaryFirst) return data;
  for (const name of ['emails', 'phoneNumbers']) {
    const values = data[name];
    if (Array.isArray(values) && values.length > 0 && !values.some((v) => (v as Resource).primary === true)) values[0] = { ...(values[0] as Resource), primary: true };
  }
  return data;
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** A product's userName rules: 400 invalidValue for a userName it does not take (or, a DEFECT, the name rewritten). */
function ruledUserName(ctx: Ctx, userName: string): string {
  const rule = ctx.userNameRule!;
  if (rule.email && !EMAIL.test(userName)) {
    if (ctx.rewriteUserName) return `${userName.replace(/[@\s]/g, '.')}@rewritten.example`;
    throw badRequest('invalidValue', `userName must be an email address (got ${JSON.stringify(userName)})`);
  }
  if (rule.maxLength !== undefined && userName.length > rule.maxLength) throw badRequest('invalidValue', `userName may have at most ${rule.maxLength} characters (it has ${userName.length})`);
  return userName;
}

/** A live tenant's Users and Groups, made before any run. */
function seedTenant(ctx: Ctx, seed: { users: number; groups: number; bigGroup?: number }): void {
  const ids: string[] = [];
  for (let i = 0; i < seed.users; i++) {
    // Shapes a run's own names could be confused with: a run prefix's, and a shared email domain.
    const userName = i % 10 === 0 ? `spf${(0x1a2b3c4d + i).toString(16)}-u${i}.` : i % 10 === 1 ? `SPF${i}-Legacy` : `employee${i}@tenant.example.com`;
    const data: Resource = { userName, displayName: `Employee ${i}`, name: { givenName: `Given${i}`, familyName: `Family${i}` }, active: i % 5 !== 0, emails: [{ value: `employee${i}@tenant.example.com`, type: 'work', primary: true }], externalId: `ext-${i}` };
    ids.push(ctx.store.create('User', data).id);
  }
  for (let g = 0; g < seed.groups; g++) {
    const count = g === 0 ? Math.min(seed.bigGroup ?? 2000, ids.length) : g % 3;
    const members = ids.slice(g === 0 ? 0 : g, (g === 0 ? 0 : g) + count).map((value) => ({ value }));
    ctx.store.create('Group', { displayName: g % 10 === 0 ? `spf${(0x5e5e0000 + g).toString(16)}-g${g}` : `Team ${g}`, externalId: `gext-${g}`, ...(members.length > 0 ? { members } : {}) });
  }
}

/** The entity tag of a stored resource: weak (default) or strong. */
const tagOf = (ctx: Ctx, stored: Stored): string => (ctx.strongEtags ? versionOf(stored).replace(/^W\//, '') : versionOf(stored));

/** A stored resource as this server shows it (before projection): its ETag form, meta.version or not, every schema URN or those with data. */
function rendered(ctx: Ctx, model: ResourceModel, stored: Stored): Resource {
  const out = ctx.store.render(model, stored, ctx.baseUrl, ctx.etag && !ctx.etagHeaderOnly, ctx.relativeMetaLocation);
  if (ctx.etag && !ctx.etagHeaderOnly) (out.meta as Resource).version = tagOf(ctx, stored);
  for (const name of ctx.omitMeta) delete (out.meta as Resource)[name];
  if (ctx.listAllSchemas) out.schemas = [model.core.id, ...model.extensions.map((e) => e.id)];
  if (ctx.membersShownEmpty && model.kind === 'Group') out.members = [];
  if (ctx.membersValueOnly && model.kind === 'Group' && Array.isArray(out.members)) out.members = out.members.map((m) => ({ value: (m as Resource).value }));
  return out;
}

/** The DEFECT echoDropped: the answer shows every value sent of the attributes the server keeps one of. */
function echoing(ctx: Ctx, sent: Resource, reply: Reply): Reply {
  if (!ctx.echoDropped || !reply.body) return reply;
  const body = { ...(reply.body as Resource) };
  for (const name of ctx.oneValueOf) if (Array.isArray(sent[name])) body[name] = sent[name];
  return { ...reply, body };
}

function withVersion(ctx: Ctx, stored: Stored, reply: Reply): Reply {
  return ctx.etag ? { ...reply, headers: { ...(reply.headers ?? {}), ETag: tagOf(ctx, stored) } } : reply;
}

/** What a resource route reads of a request: a real one, or one operation of a /Bulk request. */
type RequestLike = Pick<IncomingMessage, 'method' | 'headers'>;

function ifMatch(ctx: Ctx, req: RequestLike, stored: Stored): void {
  const header = req.headers['if-match'];
  if (!ctx.etag || header === undefined) return;
  const wanted = header.split(',').map((s) => s.trim());
  if (!wanted.includes('*') && !wanted.includes(tagOf(ctx, stored))) throw new ScimError(412, undefined, 'the resource has changed (If-Match does not match its version)');
}

/**
 * RFC 7644 §3.5.1: an immutable attribute with a value already set takes only that value again
 * (400 mutability otherwise); with none set, the new value is applied. A PUT that leaves it out keeps it.
 */
function keepImmutable(model: ResourceModel, current: Resource, next: Resource, put: boolean): void {
  for (const def of model.core.attributes.filter((a) => a.mutability === 'immutable')) {
    const key = (r: Resource) => Object.keys(r).find((k) => k.toLowerCase() === def.name.toLowerCase());
    const held = key(current) === undefined ? undefined : current[key(current)!];
    if (held === undefined || held === null) continue;
    const sentKey = key(next);
    if (sentKey === undefined) {
      if (put) next[def.name] = structuredClone(held);
      else throw new ScimError(400, 'mutability', `${def.name} is immutable: it cannot be removed`);
      continue;
    }
    const same = (a: unknown, b: unknown): boolean => (typeof a === 'string' && typeof b === 'string' && !def.caseExact ? a.toLowerCase() === b.toLowerCase() : JSON.stringify(a) === JSON.stringify(b));
    if (!same(held, next[sentKey])) throw new ScimError(400, 'mutability', `${def.name} is immutable: it is set and cannot change`);
  }
}

/** The top-level attributes `model` declares readOnly, beyond id, meta and the back-reference groups (RFC 7643 §3.1, §4.1.2). */
const declaredReadOnly = (model: ResourceModel) => model.core.attributes.filter((a) => a.mutability === 'readOnly' && !['id', 'meta', 'groups'].includes(a.name.toLowerCase()));

/** How many groups a server with a readOnly Group displayName has named itself. */
let groupsNamed = 0;

const keyOf = (r: Resource, name: string): string | undefined => Object.keys(r).find((k) => k.toLowerCase() === name.toLowerCase());

/**
 * RFC 7644 §3.5.1 (PUT) and §3.3 (POST): values sent for a readOnly attribute are ignored; the
 * stored value stays (`current`), and a new User is active.
 */
function ignoreReadOnly(model: ResourceModel, next: Resource, current: Resource | undefined): void {
  for (const def of declaredReadOnly(model)) {
    const sent = keyOf(next, def.name);
    if (sent !== undefined) delete next[sent];
    const held = current === undefined ? undefined : keyOf(current, def.name);
    if (held !== undefined) next[def.name] = structuredClone(current![held]);
    else if (current === undefined && model.kind === 'User' && def.name === 'active') next.active = true;
    else if (current === undefined && model.kind === 'Group' && def.name === 'displayName') next.displayName = `Group ${++groupsNamed}`;
  }
}

/** RFC 7644 §3.5.2: a PATCH that would change a readOnly attribute is 400 mutability. */
function refuseReadOnlyChange(model: ResourceModel, current: Resource, next: Resource): void {
  for (const def of declaredReadOnly(model)) {
    const before = keyOf(current, def.name);
    const after = keyOf(next, def.name);
    if (JSON.stringify(before === undefined ? null : current[before]) !== JSON.stringify(after === undefined ? null : next[after])) throw new ScimError(400, 'mutability', `${def.name} is readOnly: it cannot be modified`);
  }
}

async function resourceRoute(ctx: Ctx, req: RequestLike, model: ResourceModel, id: string | undefined, url: URL, body: () => unknown): Promise<Reply> {
  const method = req.method ?? 'GET';
  const q = url.searchParams;
  const own = (stored: Stored): Record<string, string> => (ctx.locationEverywhere ? { Location: `${ctx.baseUrl}${model.endpoint}/${encodeURIComponent(stored.id)}` } : {});
  const one = (stored: Stored, status = 200, extra: Record<string, string> = own(stored)): Reply =>
    withVersion(ctx, stored, { status, body: ctx.ignoreProjection ? rendered(ctx, model, stored) : project(model, rendered(ctx, model, stored), q.get('attributes') ?? undefined, q.get('excludedAttributes') ?? undefined, ctx.excludedShownEmpty), headers: extra });
  if (id === undefined) {
    if (method === 'GET') return search(ctx, model, { filter: q.get('filter'), cursor: q.get('cursor'), startIndex: intParam(q.get('startIndex'), 'startIndex'), count: intParam(q.get('count'), 'count'), sortBy: q.get('sortBy'), sortOrder: q.get('sortOrder'), attributes: q.get('attributes'), excludedAttributes: q.get('excludedAttributes') });
    if (method === 'POST') {
      if (ctx.duplicateKeysRefused) refuseDuplicateKeys(body());
      const data = normalize(model, body(), { rejectUnknown: ctx.rejectUnknown, interop: ctx.interop, extensionsListed: ctx.extensionsListed });
      ignoreReadOnly(model, data, undefined);
      if (model.kind === 'User' && ctx.inactiveByDefault && data.active === undefined) data.active = false;
      if (model.kind === 'User' && ctx.defaultDisplayName && data.displayName === undefined) data.displayName = String((data.name as Resource | undefined)?.formatted ?? data.userName);
      if (model.kind === 'Group' && ctx.dropGroupExternalId) delete data.externalId;
      const sent = structuredClone(data);
      const created = ctx.store.create(model.kind, withPrimary(ctx, data));
      const firstEmail = Array.isArray(created.data.emails) ? (created.data.emails[0] as Resource | undefined)?.value : undefined;
      ctx.createdNames?.set(created.id, { ...Object.fromEntries(['userName', 'displayName'].filter((k) => created.data[k] !== undefined).map((k) => [k, created.data[k]])), ...(model.kind === 'User' && firstEmail !== undefined ? { userName: firstEmail } : {}) });
      const location = ctx.relativeLocation === 'resource' ? `${model.endpoint.slice(1)}/${encodeURIComponent(created.id)}` : `${ctx.relativeLocation ? ctx.base : ctx.baseUrl}${model.endpoint}/${encodeURIComponent(created.id)}`;
      if (ctx.createBody === 'none') return withVersion(ctx, created, { status: 201, headers: { Location: location } });
      if (ctx.createBody === 'none-no-location') return withVersion(ctx, created, { status: 201 });
      return echoing(ctx, sent, one(created, 201, { Location: location }));
    }
    throw new ScimError(405, undefined, `${method} is not allowed on ${model.endpoint}`);
  }
  if (method === 'PATCH' && ctx.noPatch) throw new ScimError(501, undefined, 'PATCH is not supported: replace the resource with PUT');
  const refused = ctx.refuse?.[`${method} ${model.kind}` as keyof NonNullable<Ctx['refuse']>];
  if (refused !== undefined && id !== '.search') throw new ScimError(refused, undefined, `${method} is not offered on ${model.endpoint}/{id}${method === 'DELETE' && model.kind === 'User' ? ': deprovision by setting active to false' : ''}`);
  if (id === '.search') {
    if (ctx.noSearch) throw new ScimError(ctx.noSearch, undefined, `${method} ${model.endpoint}/.search is not supported`);
    if (method !== 'POST') throw new ScimError(405, undefined, 'use POST for .search');
    const b = body() as Resource;
    if (!b || typeof b !== 'object' || Array.isArray(b)) throw badRequest('invalidSyntax', 'a search request must be a JSON object');
    const text = (v: unknown) => (typeof v === 'string' ? v : Array.isArray(v) ? v.join(',') : null);
    const num = (v: unknown, name: string) => (v === undefined ? undefined : Number.isInteger(v) ? (v as number) : intParam(String(v), name));
    return search(ctx, model, { filter: text(b.filter), cursor: typeof b.cursor === 'string' ? b.cursor : null, startIndex: num(b.startIndex, 'startIndex'), count: num(b.count, 'count'), sortBy: text(b.sortBy), sortOrder: text(b.sortOrder), attributes: text(b.attributes), excludedAttributes: text(b.excludedAttributes) });
  }
  const stored = ctx.store.get(model.kind, id);
  switch (method) {
    case 'GET': {
      const inm = req.headers['if-none-match'];
      if (ctx.etag && inm !== undefined && inm.split(',').map((s) => s.trim()).some((v) => v === '*' || v.replace(/^W\//, '') === tagOf(ctx, stored).replace(/^W\//, ''))) return withVersion(ctx, stored, { status: 304 });
      return one(stored);
    }
    case 'PUT': {
      ifMatch(ctx, req, stored);
      if (ctx.putRequiresId) {
        const sent = (body() as Resource | null)?.id;
        if (sent !== id) throw badRequest('invalidValue', `the body's id ${JSON.stringify(sent ?? null)} must be the id in the URL (${id})`);
      }
      if (ctx.duplicateKeysRefused) refuseDuplicateKeys(body());
      const data = normalize(model, body(), { rejectUnknown: ctx.rejectUnknown, interop: ctx.interop, extensionsListed: ctx.extensionsListed });
      if (model.kind === 'Group' && ctx.dropGroupExternalId) delete data.externalId;
      if (ctx.putMerges) for (const [k, v] of Object.entries(stored.data)) if (!(k in data)) data[k] = structuredClone(v);
      keepImmutable(model, stored.data, data, true);
      if (ctx.readOnlyPutRefused) refuseReadOnlyChange(model, stored.data, { ...stored.data, ...(body() as Resource) });
      ignoreReadOnly(model, data, stored.data);
      const sent = structuredClone(data);
      return echoing(ctx, sent, one(ctx.store.replace(model.kind, id, withPrimary(ctx, data))));
    }
    case 'PATCH': {
      ifMatch(ctx, req, stored);
      if (ctx.declineElementFilters && model.kind === 'User') {
        const ops = (body() as { Operations?: unknown } | null)?.Operations;
        for (const op of Array.isArray(ops) ? ops : []) {
          const path = (op as { path?: unknown } | null)?.path;
          if (typeof path === 'string' && /\]\s*$/.test(path)) throw badRequest(ctx.declineElementFilters, `User PATCH path ${path} is not supported`);
        }
      }
      if (ctx.patchSchemasExact) {
        const schemas = (body() as { schemas?: unknown } | null)?.schemas;
        if (!Array.isArray(schemas) || schemas.length !== 1 || schemas[0] !== PATCH_OP) throw badRequest('invalidSyntax', `a PATCH body's "schemas" must be exactly ["${PATCH_OP}"]`);
      }
      const draft = ctx.patchWith === 'scim-patch' ? applyPatchWithLibrary(stored.data, body()) : applyPatch(model, stored.data, id, body(), { rejectUnknown: ctx.rejectUnknown, interop: ctx.interop, removeNoTarget: ctx.removeNoTarget, replaceAbsentAdds: ctx.replaceAbsentAdds });
      if (model.kind === 'Group' && ctx.patchKeepsMembers) draft.members = stored.data.members;
      keepImmutable(model, stored.data, draft, false);
      refuseReadOnlyChange(model, stored.data, draft);
      // The patched resource is held to the same rules as a PUT (Entra's "True"/"False" accepted).
      const next = withPrimary(ctx, normalize(model, { schemas: [model.core.id], ...draft }, { rejectUnknown: ctx.rejectUnknown, interop: ctx.interop, lenientBooleans: true }));
      // normalize() drops what a client cannot write: the readOnly values the resource holds stay.
      ignoreReadOnly(model, next, stored.data);
      if (ctx.unchangedPatchNoContent && isDeepStrictEqual(next, withPrimary(ctx, normalize(model, { schemas: [model.core.id], ...stored.data }, { rejectUnknown: ctx.rejectUnknown, interop: ctx.interop, lenientBooleans: true })))) return withVersion(ctx, stored, { status: 204, headers: own(stored) });
      const patched = ctx.store.replace(model.kind, id, next);
      if (ctx.patchNoContent === true || (ctx.patchNoContent === 'groups' && model.kind === 'Group')) return withVersion(ctx, patched, { status: 204, headers: own(patched) });
      return one(patched);
    }
    case 'DELETE':
      ifMatch(ctx, req, stored);
      ctx.store.delete(model.kind, id);
      return { status: ctx.deleteStatus };
    default:
      throw new ScimError(405, undefined, `${method} is not allowed on ${model.endpoint}/{id}`);
  }
}

async function route(ctx: Ctx, req: IncomingMessage, raw: string, token: string): Promise<Reply> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (!url.pathname.startsWith(`${ctx.base}/`) && url.pathname !== ctx.base) throw notFound(`${url.pathname} is not a SCIM endpoint`);
  const key = ctx.apiKeyHeader ? req.headers[ctx.apiKeyHeader.toLowerCase()] : undefined;
  const auth = ctx.apiKeyHeader ? `Bearer ${ctx.apiKeyAnyValue && key ? token : String(key ?? '')}` : (req.headers.authorization ?? '');
  const discovery = ['serviceproviderconfig', 'schemas', 'resourcetypes'].includes(url.pathname.slice(ctx.base.length).split('/').filter((p) => p !== '')[0]?.toLowerCase() ?? '');
  if (auth !== `Bearer ${token}` && !(ctx.publicDiscovery && discovery)) return { status: 401, body: errorBody(401, undefined, ctx.unauthorizedDetail ?? 'a valid bearer token is required'), headers: { 'WWW-Authenticate': 'Bearer realm="scim"' } };
  const parts = url.pathname.slice(ctx.base.length).split('/').filter((p) => p !== '').map(decodeURIComponent);
  const body = (): unknown => {
    if (raw.trim() === '') throw badRequest('invalidSyntax', 'the request has no body');
    try {
      return JSON.parse(raw);
    } catch {
      throw badRequest('invalidSyntax', 'the request body is not valid JSON');
    }
  };
  const [head, id, ...rest] = parts;
  if (rest.length > 0) throw notFound(`${url.pathname} is not a SCIM endpoint`);
  const get = (reply: () => Reply): Reply => {
    if (req.method !== 'GET') throw new ScimError(405, undefined, `${req.method} is not allowed here`);
    return reply();
  };
  switch (head?.toLowerCase()) {
    case 'users':
      return resourceRoute(ctx, req, ctx.models.user, id, url, body);
    case 'groups':
      if (ctx.noGroups) throw notFound(`${url.pathname} is not a SCIM endpoint`);
      return resourceRoute(ctx, req, ctx.models.group, id, url, body);
    case 'bulk':
      if (!ctx.bulk) throw notFound('this server does not support /Bulk');
      if (id !== undefined) throw notFound(`${url.pathname} is not a SCIM endpoint`);
      if (req.method !== 'POST') throw new ScimError(405, undefined, 'use POST for /Bulk');
      return bulk(ctx, body());
    case 'me':
      if (ctx.meStatus !== undefined) throw new ScimError(ctx.meStatus, undefined, '/Me is not implemented');
      throw notFound(`${url.pathname} is not a SCIM endpoint`);
    case 'serviceproviderconfig':
      if (ctx.noServiceProviderConfig) throw notFound(`${url.pathname} is not a SCIM endpoint`);
      return get(() => ({ status: 200, body: spc(ctx) }));
    case 'resourcetypes':
      return get(() => {
        const all = resourceTypes(ctx);
        if (id === undefined) return { status: 200, body: listOf(all) };
        const found = all.find((r) => r.id === id || (r.id === '' && r.name === id));
        if (!found) throw notFound(`no resource type ${id}`);
        return { status: 200, body: found };
      });
    case 'schemas':
      return get(() => {
        const defs = [ctx.models.user.core, ...ctx.models.user.extensions, ...(ctx.noGroups ? [] : [ctx.models.group.core])];
        const docs = defs.map((d) => schemaDocument(d, ctx.baseUrl, ctx.terseSchemas)).map((doc) => (ctx.membersUndeclared && doc.id === URNS.group ? declaredDefault(doc, 'members') : doc));
        if (id === undefined) return { status: 200, body: listOf(docs) };
        const found = docs.find((d) => d.id === id);
        if (!found) throw notFound(`no schema ${id}`);
        return { status: 200, body: found };
      });
    default:
      throw notFound(`${url.pathname} is not a SCIM endpoint`);
  }
}

/** A schema document whose attribute `name` says returned "default" (what the server does is another matter). */
function declaredDefault(doc: Record<string, unknown>, name: string): Record<string, unknown> {
  const attributes = (doc.attributes as Resource[]).map((a) => (a.name === name ? { ...a, returned: 'default' } : a));
  return { ...doc, attributes };
}

const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const BULK_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';

/**
 * RFC 7644 §3.7: the operations in order, each through the same route as a single request;
 * `bulkId:X` in a path or a data value stands for the id the POST with bulkId X created; stops
 * once `failOnErrors` operations have failed.
 */
async function bulk(ctx: Ctx, request: unknown): Promise<Reply> {
  const b = request as { schemas?: unknown; Operations?: unknown; failOnErrors?: unknown };
  if (!b || typeof b !== 'object' || !Array.isArray(b.schemas) || !b.schemas.includes(BULK_REQUEST)) throw badRequest('invalidSyntax', `a bulk request must list ${BULK_REQUEST} in "schemas"`);
  if (!Array.isArray(b.Operations)) throw badRequest('invalidSyntax', 'a bulk request needs an "Operations" list');
  if (b.Operations.length > MAX_BULK_OPERATIONS) throw new ScimError(413, undefined, `a bulk request may carry at most ${MAX_BULK_OPERATIONS} operations (it has ${b.Operations.length})`);
  const failOnErrors = Number.isInteger(b.failOnErrors) && (b.failOnErrors as number) > 0 ? (b.failOnErrors as number) : Infinity;
  const created = new Map<string, string>();
  const substitute = (value: unknown): unknown => {
    if (typeof value === 'string' && value.startsWith('bulkId:')) {
      const found = created.get(value.slice('bulkId:'.length));
      if (found === undefined) throw new ScimError(409, 'invalidValue', `${value} refers to no operation of this request that created a resource`);
      return found;
    }
    if (Array.isArray(value)) return value.map(substitute);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v)]));
    return value;
  };
  const results: Record<string, unknown>[] = [];
  let errors = 0;
  for (const raw of b.Operations as Record<string, unknown>[]) {
    if (errors >= failOnErrors) break;
    const method = typeof raw?.method === 'string' ? raw.method.toUpperCase() : '';
    const bulkId = typeof raw?.bulkId === 'string' ? raw.bulkId : undefined;
    const entry: Record<string, unknown> = { method, ...(bulkId !== undefined ? { bulkId } : {}) };
    try {
      if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) throw badRequest('invalidSyntax', `a bulk operation's method must be POST, PUT, PATCH or DELETE (got ${JSON.stringify(raw?.method)})`);
      if (method === 'POST' && bulkId === undefined) throw badRequest('invalidSyntax', 'a bulk POST needs a bulkId');
      if (typeof raw.path !== 'string') throw badRequest('invalidSyntax', 'a bulk operation needs a "path"');
      const path = raw.path.split('/').map((part) => String(substitute(part))).join('/');
      const [, head, id, ...more] = path.split('/');
      const model = head?.toLowerCase() === 'users' ? ctx.models.user : head?.toLowerCase() === 'groups' ? ctx.models.group : undefined;
      if (!model || more.length > 0 || (method === 'POST') !== (id === undefined)) throw badRequest('invalidPath', `"${raw.path}" is not a path a bulk ${method} can address`);
      const data = substitute(raw.data);
      const headers = typeof raw.version === 'string' ? { 'if-match': raw.version } : {};
      const reply = await resourceRoute(ctx, { method, headers }, model, id, new URL(`http://localhost${ctx.base}${path}`), () => data);
      const body = reply.body as { id?: string; meta?: { location?: string; version?: string } } | undefined;
      if (method === 'POST' && bulkId !== undefined && body?.id) created.set(bulkId, body.id);
      Object.assign(entry, { ...(body?.meta?.location ? { location: body.meta.location } : id ? { location: `${ctx.baseUrl}${model.endpoint}/${id}` } : {}), ...(body?.meta?.version ? { version: body.meta.version } : {}), status: String(reply.status) });
    } catch (error) {
      if (!(error instanceof ScimError)) throw error;
      errors++;
      Object.assign(entry, { status: String(error.status), response: errorBody(error.status, error.scimType, error.message) });
    }
    results.push(entry);
  }
  return { status: 200, body: { schemas: [BULK_RESPONSE], Operations: results } };
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function pascal(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pascal);
  if (!value || typeof value !== 'object') return value;
  // Schema URNs and $ref keep their spelling; every other key starts upper-case, as a .NET serialiser writes it.
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.startsWith('urn:') || k.startsWith('$') ? k : k.charAt(0).toUpperCase() + k.slice(1), pascal(v)]));
}

/** How bodies go on the wire: names, timestamps, schema order, encoding. */
interface Wire {
  pascalCase?: boolean;
  sevenDigitTimestamps?: boolean;
  timestamps?: 'no-zone' | 'offset' | 'seconds' | 'local-offset';
  extensionSchemasFirst?: boolean;
  gzip?: boolean;
  connectionClose?: boolean;
  chunked?: boolean;
  contentType?: string;
}

/** Timestamps as .NET (seven fractional digits) or Java (no time zone) write them, and extension URNs first in `schemas`. */
function reshape(value: unknown, wire: Wire): unknown {
  if (Array.isArray(value)) return value.map((v) => reshape(v, wire));
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => {
      if (wire.sevenDigitTimestamps && (k === 'created' || k === 'lastModified') && typeof v === 'string') return [k, v.replace(/\.(\d{3})Z$/, (_, ms: string) => `.${ms}0000Z`)];
      if (wire.timestamps === 'local-offset' && (k === 'created' || k === 'lastModified') && typeof v === 'string') return [k, atLocalOffset(v)];
      if (wire.timestamps && (k === 'created' || k === 'lastModified') && typeof v === 'string') return [k, wire.timestamps === 'no-zone' ? v.replace(/Z$/, '') : wire.timestamps === 'seconds' ? v.replace(/\.\d+Z$/, 'Z') : v.replace(/Z$/, '+00:00')];
      if (wire.extensionSchemasFirst && k === 'schemas' && Array.isArray(v) && v.length > 1) return [k, [...v.slice(1), v[0]]];
      return [k, reshape(v, wire)];
    }),
  );
}

/** The same instant written at +02:00 (`…T14:00:00.123+02:00` for `…T12:00:00.123Z`), as a server in a European time zone writes OffsetDateTime.now(). */
function atLocalOffset(utc: string): string {
  const shifted = new Date(Date.parse(utc) + 2 * 3_600_000).toISOString();
  return shifted.replace(/Z$/, '+02:00');
}

function send(res: ServerResponse, reply: Reply, wire: Wire = {}): void {
  const headers: Record<string, string> = { ...(reply.headers ?? {}) };
  if (reply.body !== undefined) headers['Content-Type'] = wire.contentType ?? CONTENT_TYPE;
  if (wire.connectionClose) headers.Connection = 'close';
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers);
    res.end();
    return;
  }
  const shaped = wire.sevenDigitTimestamps || wire.timestamps || wire.extensionSchemasFirst ? reshape(reply.body, wire) : reply.body;
  const text = JSON.stringify(wire.pascalCase ? pascal(shaped) : shaped);
  if (!wire.gzip) {
    res.writeHead(reply.status, headers);
    if (wire.chunked) {
      const bytes = Buffer.from(text, 'utf8');
      for (let i = 0; i < bytes.length; i += 97) res.write(bytes.subarray(i, i + 97));
      res.end();
      return;
    }
    res.end(text);
    return;
  }
  const zipped = gzipSync(text);
  res.writeHead(reply.status, { ...headers, 'Content-Encoding': 'gzip', 'Content-Length': String(zipped.length), Vary: 'Accept-Encoding' });
  res.end(zipped);
}

/** duplicateKeysRefused: an object (at any depth) with two keys equal but for letter case is 400 invalidSyntax. */
function refuseDuplicateKeys(value: unknown): void {
  if (Array.isArray(value)) return value.forEach(refuseDuplicateKeys);
  if (!value || typeof value !== 'object') return;
  const seen = new Map<string, string>();
  for (const [key, inner] of Object.entries(value)) {
    const twin = seen.get(key.toLowerCase());
    if (twin !== undefined) throw badRequest('invalidSyntax', `duplicate attributes: ${twin} and ${key}`);
    seen.set(key.toLowerCase(), key);
    refuseDuplicateKeys(inner);
  }
}

/** With listFieldsLast, a ListResponse's Resources come before its counts, as a streaming writer sends them. */
function listOrdered(ctx: Ctx, reply: Reply): Reply {
  const body = reply.body as Resource | undefined;
  if (!ctx.listFieldsLast || !body || !Array.isArray(body.schemas) || body.schemas[0] !== URNS.list) return reply;
  const { schemas, Resources, ...counts } = body;
  return { ...reply, body: { schemas, ...(Resources !== undefined ? { Resources } : {}), ...counts } };
}

function scimTypeOf(error: ScimError, options: IndependentServerOptions): string | undefined {
  if (options.scimTypes === 'none' || (error.status === 409 && options.conflictWithoutScimType)) return undefined;
  if (options.scimTypes === 'syntax' && error.scimType === 'invalidValue') return 'invalidSyntax';
  return error.scimType;
}

/** Admits a request (undefined) or says how many whole seconds to wait before the next. */
function tokenBucket(perSecond: number): () => number | undefined {
  let tokens = perSecond;
  let last = performance.now();
  return () => {
    const now = performance.now();
    tokens = Math.min(perSecond, tokens + ((now - last) / 1000) * perSecond);
    last = now;
    if (tokens >= 1) {
      tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - tokens) / perSecond));
  };
}

export async function startIndependentServer(options: IndependentServerOptions = {}): Promise<IndependentServer> {
  const token = options.token ?? randomBytes(16).toString('hex');
  const rule = options.businessRule === 'email-unless-username-is-email' ? EMAIL_UNLESS_USERNAME_IS_EMAIL : options.businessRule;
  const ctx: Ctx = {
    models: buildModels({ omitUserAttributes: [...(options.omitUserAttributes ?? []), ...(options.interop || options.ipsie ? FREE_FORM_TYPES : []), ...(options.ipsie ? ['password'] : [])], enterprise: options.enterprise ?? true, valueRequired: options.valueRequired ?? false, require: options.require ?? [], membersOnRequest: options.membersOnRequest !== undefined && options.membersOnRequest !== false, alwaysReturned: options.alwaysReturned ?? [], omitSubAttributes: options.omitSubAttributes ?? [], userGroupsOnRequest: options.userGroupsOnRequest ?? false, requiredCustomExtension: options.requiredCustomExtension ?? false, ...(options.caseExact ? { caseExact: options.caseExact } : {}), ...(options.immutable ? { immutable: options.immutable } : {}), ...(options.readOnly ? { readOnly: options.readOnly } : {}), ...(options.groupReadOnly ? { groupReadOnly: options.groupReadOnly } : {}) }),
    store: new Store(rule, { uniqueGroupNames: options.uniqueGroupNames ?? options.ipsie ?? false, reservedEmails: options.reservedEmails ?? false, ids: options.ids ?? 'uuid', ...(options.searchLagMs ? { searchLagMs: options.searchLagMs } : {}) }),
    base: options.basePath ?? BASE,
    // RFC 9865's pagination.maxPageSize (50 with cursors) bounds every page, index pages too.
    maxResults: Math.min(options.maxResults ?? MAX_RESULTS, options.cursors ?? options.ipsie ? CURSOR_PAGE : MAX_RESULTS),
    ignoreProjection: options.ignoreProjection ?? false,
    putRequiresId: options.putRequiresId ?? false,
    defaultDisplayName: options.defaultDisplayName ?? false,
    dropGroupExternalId: options.dropGroupExternalId ?? false,
    filterAttributes: options.filterAttributes?.map((a) => a.toLowerCase()),
    newestFirst: options.newestFirst ?? false,
    pagingIgnored: options.pagingIgnored ?? false,
    primaryFirst: options.primaryFirst ?? false,
    createBody: options.createBody ?? 'resource',
    relativeLocation: options.relativeLocation ?? false,
    relativeMetaLocation: options.relativeMetaLocation ?? false,
    sparseLists: options.sparseLists ?? false,
    nullResources: options.nullResources ?? false,
    understate: options.understate ?? [],
    putMerges: options.putMerges ?? false,
    declineFiltersWithoutScimType: options.declineFiltersWithoutScimType ?? false,
    deleteStatus: options.deleteStatus ?? 204,
    shuffle: options.shuffle ?? false,
    lists: 0,
    lenientFilters: options.lenientFilters ?? false,
    operators: options.filterOperators ?? ALL_OPERATORS,
    rejectUnknown: (options.unknownAttributes ?? 'reject') === 'reject',
    etag: options.etag ?? true,
    sort: options.indexPaging === undefined && (options.sort ?? true),
    cursors: options.cursors ?? options.ipsie ?? false,
    interop: options.interop ?? options.ipsie ?? false,
    extensionsListed: options.extensionsListed ?? false,
    bulk: options.ipsie ?? false,
    baseUrl: '',
    patchNoContent: options.patchNoContent ?? false,
    lowercaseUserName: options.lowercaseUserName ?? false,
    enrich: options.enrich ?? false,
    apiKeyHeader: options.apiKeyHeader,
    unauthorizedDetail: options.unauthorizedDetail,
    apiKeyAnyValue: options.apiKeyAnyValue ?? false,
    patchKeepsMembers: options.patchKeepsMembers ?? false,
    membersShownEmpty: options.membersShownEmpty ?? false,
    membersValueOnly: options.membersValueOnly ?? false,
    readOnlyPutRefused: options.readOnlyPutRefused ?? false,
    indexPaging: options.indexPaging,
    excludedShownEmpty: options.excludedShownEmpty ?? false,
    membersUndeclared: options.membersOnRequest === 'undeclared',
    createdNames: options.namesIndexedAtCreate ? new Map() : undefined,
    noServiceProviderConfig: options.noServiceProviderConfig ?? false,
    strongEtags: options.strongEtags ?? false,
    etagHeaderOnly: options.etagHeaderOnly ?? false,
    noSearch: options.noSearch,
    tooManyOnPresent: options.tooManyOnPresent ?? false,
    tooManyWithoutFilter: options.tooManyWithoutFilter ?? false,
    noPatch: options.noPatch ?? false,
    removeNoTarget: options.removeNoTarget ?? false,
    declineElementFilters: options.declineElementFilters,
    replaceAbsentAdds: options.replaceAbsentAdds ?? false,
    patchWith: options.patchWith,
    defaultCount: options.defaultCount,
    listAllSchemas: options.listAllSchemas ?? false,
    derive: options.derive ?? false,
    terseSchemas: options.terseSchemas ?? false,
    terseConfig: options.terseConfig ?? false,
    omitMeta: options.omitMeta ?? [],
    unkeptMetaMatchesNothing: options.unkeptMetaMatchesNothing ?? false,
    dropUserExternalId: options.dropUserExternalId ?? false,
    normalizePhones: options.normalizePhones ?? false,
    noGroups: options.noGroups ?? false,
    userNameRule: options.userNameRule,
    oneValueOf: options.oneValueOf ?? [],
    refuse: options.refuse,
    meStatus: options.meStatus,
    echoDropped: options.echoDropped ?? false,
    rewriteUserName: options.rewriteUserName ?? false,
    locationEverywhere: options.locationEverywhere ?? false,
    publicDiscovery: options.publicDiscovery ?? false,
    listFieldsLast: options.listFieldsLast ?? false,
    unchangedPatchNoContent: options.unchangedPatchNoContent ?? false,
    unsetDiscoveryValues: options.unsetDiscoveryValues ?? false,
    patchSchemasExact: options.patchSchemasExact ?? false,
    duplicateKeysRefused: options.duplicateKeysRefused ?? false,
    valuesSorted: options.valuesSorted ?? false,
    typesCapitalized: options.typesCapitalized ?? false,
    inactiveByDefault: options.inactiveByDefault ?? false,
    lowercaseGroupNames: options.lowercaseGroupNames ?? false,
  };
  if (options.seed) seedTenant(ctx, options.seed);
  const admit = options.rateLimit ? tokenBucket(options.rateLimit) : undefined;
  const wire: Wire = { pascalCase: options.pascalCase ?? false, sevenDigitTimestamps: options.sevenDigitTimestamps ?? false, extensionSchemasFirst: options.extensionSchemasFirst ?? false, ...(options.timestamps ? { timestamps: options.timestamps } : {}), gzip: options.gzip ?? false, connectionClose: options.connectionClose ?? false, chunked: options.chunked ?? false, ...(options.contentType ? { contentType: options.contentType } : {}) };
  const server = createServer((req, res) => {
    void (async () => {
      try {
        const wait = admit?.();
        if (wait !== undefined) return send(res, { status: 429, body: errorBody(429, undefined, `too many requests: at most ${options.rateLimit} per second`), headers: { 'Retry-After': String(wait) } }, wire);
        const raw = await readBody(req);
        if (raw === undefined) return send(res, { status: 413, body: errorBody(413, undefined, `the request body exceeds ${MAX_BODY} bytes`) }, wire);
        send(res, atRequestUrl(req, listOrdered(ctx, await route(ctx, req, raw, token))), wire);
      } catch (error) {
        if (error instanceof ScimError) {
          const { detail, ...terse } = errorBody(error.status, scimTypeOf(error, options), error.message);
          const body = options.errorDetail === false ? terse : { ...terse, detail };
          return send(res, atRequestUrl(req, { status: error.status, body: options.numericErrorStatus ? { ...body, status: error.status } : body }), wire);
        }
        send(res, { status: 500, body: errorBody(500, undefined, `internal error: ${error instanceof Error ? error.message : String(error)}`) }, wire);
      }
    })();
  });
  /** With locationEverywhere, an answer that names no resource carries the request's own URL. */
  const atRequestUrl = (req: IncomingMessage, reply: Reply): Reply =>
    ctx.locationEverywhere && reply.headers?.Location === undefined ? { ...reply, headers: { ...(reply.headers ?? {}), Location: new URL(req.url ?? '/', ctx.baseUrl).href } } : reply;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  ctx.baseUrl = `${options.publicOrigin ?? origin}${ctx.base}`;
  return {
    url: `${origin}${ctx.base}`,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export { ALL_OPERATORS, type FilterOperator };
