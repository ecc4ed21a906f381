// Microsoft's "Reference for writing expressions for attribute mappings in Microsoft Entra ID"
// (learn.microsoft.com/entra/identity/app-provisioning/functions-for-customizing-application-data),
// function by function: every example the page gives, with its input and documented output, and
// what the page says a function does with a null (absent) or empty attribute. The date functions'
// examples are in expression-dates.test.ts, NormalizeDiacritics' table in normalize-diacritics.test.ts.
// The functions scimproof does not evaluate are refused by name when the file loads.
import { describe, expect, it } from 'vitest';
import { parseDirectory } from '../../src/idp/directory.ts';
import { compileExpression, evaluateExpression } from '../../src/idp/expression.ts';

type Attributes = Record<string, string | string[]>;
const evaluate = (expression: string, attributes: Attributes = {}): string | string[] | null => evaluateExpression(compileExpression(expression), (name) => attributes[name]);

// [section of the page, expression, the example's input, the page's output]
const EXAMPLES: [string, string, Attributes, string | string[] | null][] = [
  ['Append', 'Append([userPrincipalName], ".test")', { userPrincipalName: 'John.Doe@contoso.com' }, 'John.Doe@contoso.com.test'],
  ['BitAnd', 'BitAnd(&HF, &HF7)', {}, '7'],
  ['CBool', 'CBool([attribute1] = [attribute2])', { attribute1: 'Sales', attribute2: 'Sales' }, 'True'],
  ['CBool', 'CBool([attribute1] = [attribute2])', { attribute1: 'Sales', attribute2: 'Marketing' }, 'False'],
  ['Coalesce', 'Coalesce([mail],[userPrincipalName])', { userPrincipalName: 'John.Doe@contoso.com' }, 'John.Doe@contoso.com'],
  ['ConvertToBase64', 'ConvertToBase64("Hello world!")', {}, 'SABlAGwAbABvACAAdwBvAHIAbABkACEA'],
  ['ConvertToUTF8Hex', 'ConvertToUTF8Hex("Hello world!")', {}, '48656C6C6F20776F726C6421'],
  ['Count', 'Count([proxyAddresses])', { proxyAddresses: ['SMTP:john@contoso.com', 'smtp:jd@contoso.com'] }, '2'],
  ['CStr', 'CStr([dn])', { dn: 'cn=Joe,dc=contoso,dc=com' }, 'cn=Joe,dc=contoso,dc=com'],
  ['DateFromNum', 'DateFromNum(129699324000000000)', {}, '1/1/2012 11:00:00 PM'],
  ['IgnoreFlowIfNullOrEmpty, example 2', 'IgnoreFlowIfNullOrEmpty(Switch([prefix], "", "3443", "Dr.", "3444", "Prof.", "3445", "Prof. Dr."))', { prefix: '3444' }, 'Prof.'],
  ['IgnoreFlowIfNullOrEmpty, example 2 (no key matches: dropped)', 'IgnoreFlowIfNullOrEmpty(Switch([prefix], "", "3443", "Dr.", "3444", "Prof.", "3445", "Prof. Dr."))', { prefix: '3999' }, null],
  ['IIF', 'IIF([country]="USA",[country],[department])', { country: 'USA', department: 'Sales' }, 'USA'],
  ['IIF', 'IIF([country]="USA",[country],[department])', { country: 'Canada', department: 'Sales' }, 'Sales'],
  ['IIF, AND by nesting', 'IIF([country]="USA",IIF([state]="CA","True","False"),"False")', { country: 'USA', state: 'CA' }, 'True'],
  ['IIF, AND by nesting', 'IIF([country]="USA",IIF([state]="CA","True","False"),"False")', { country: 'USA', state: 'WA' }, 'False'],
  ['IIF, OR by nesting', 'IIF([country]="USA","True",IIF([state]="CA","True","False"))', { country: 'Canada', state: 'CA' }, 'True'],
  ['IIF, the workaround for an empty attribute', 'Switch([country],[country],"","Other")', {}, 'Other'],
  ['IIF, the workaround for an empty attribute', 'Switch([country],[country],"","Other")', { country: 'Canada' }, 'Canada'],
  ['InStr', 'InStr("The quick brown fox","quick")', {}, '5'],
  ['InStr', 'InStr("repEated","e",3,vbBinaryCompare)', {}, '7'],
  ['IsNull', 'IsNull([displayName])', {}, 'True'],
  ['IsNull', 'IsNull([displayName])', { displayName: 'John Doe' }, 'False'],
  ['IsNullOrEmpty', 'IsNullOrEmpty([displayName])', {}, 'True'],
  ['IsNullOrEmpty', 'IsNullOrEmpty([displayName])', { displayName: '' }, 'True'],
  ['IsPresent', 'Switch(IsPresent([directManager]),[directManager], IsPresent([skiplevelManager]),[skiplevelManager], IsPresent([director]),[director])', { directManager: 'ann' }, 'ann'],
  ['IsString', 'IsString([displayName])', { displayName: 'John Doe' }, 'True'],
  ['Item', 'Item([proxyAddresses], 1)', { proxyAddresses: ['SMTP:john@contoso.com', 'smtp:jd@contoso.com'] }, 'SMTP:john@contoso.com'],
  ['Join (Examples: a comma between last name and first name)', 'Join(", ", "", [surname], [givenName])', { givenName: 'John', surname: 'Doe' }, 'Doe, John'],
  ['Join (every value of a multi-valued attribute)', 'Join(";", [proxyAddresses])', { proxyAddresses: ['a@contoso.com', 'b@contoso.com'] }, 'a@contoso.com;b@contoso.com'],
  ['Left', 'Left("John Doe", 3)', {}, 'Joh'],
  ['Left: numChars < 0 returns the input string', 'Left("John Doe", -1)', {}, 'John Doe'],
  ['Left: fewer characters than numChars', 'Left("John", 10)', {}, 'John'],
  ['Mid (Examples: a user alias from parts of the names)', 'Append(Mid([givenName], 1, 3), Mid([surname], 1, 5))', { givenName: 'John', surname: 'Doe' }, 'JohDoe'],
  ['Mid: a length past the end returns the rest', 'Mid("Contoso", 4, 100)', {}, 'toso'],
  ['NormalizeDiacritics', 'NormalizeDiacritics([givenName])', { givenName: 'Zoë' }, 'Zoe'],
  ['Not', 'Not("True")', {}, 'False'],
  ['Not', 'Not("False")', {}, 'True'],
  ['PCase', 'PCase([firstName])', { firstName: 'PABLO GONSALVES (SECOND)' }, 'Pablo Gonsalves (Second)'],
  ['PCase', 'PCase([lastName]," \'-")', { lastName: "PINTO-DE'SILVA" }, "Pinto-De'Silva"],
  ['PCase', 'PCase(Join(" ",[firstName],[lastName]))', { firstName: 'GREGORY', lastName: 'JAMES' }, 'Gregory James'],
  ['Redact (the value flows; only the logs hide it)', 'Redact([userPrincipalName])', { userPrincipalName: 'John.Doe@contoso.com' }, 'John.Doe@contoso.com'],
  ['Redact', 'Redact("StringToBeRedacted")', {}, 'StringToBeRedacted'],
  ['RemoveDuplicates', 'RemoveDuplicates([proxyAddresses])', { proxyAddresses: ['smtp:a@contoso.com', 'smtp:a@contoso.com', 'SMTP:b@contoso.com'] }, ['smtp:a@contoso.com', 'SMTP:b@contoso.com']],
  ['Replace, example 1', 'Replace([BusinessTitle],"Product Developer", , , "Software Engineer", , )', { BusinessTitle: 'Product Developer' }, 'Software Engineer'],
  ['Replace, example 2', 'Replace([UserID],"<username>", , , , , "<username>@contoso.com")', { UserID: 'jsmith' }, 'jsmith@contoso.com'],
  ['Replace, example 3', 'Replace([telephoneNumber], , "\\\\+(?<isdCode>\\\\d* )(?<phoneNumber>\\\\d{10})", , "${phoneNumber}", , )', { telephoneNumber: '+91 9998887777' }, '9998887777'],
  // The page prints 19998887777, but its pattern keeps the "+" (.NET's Regex.Replace does): the
  // output is the pattern's, not the page's typo.
  ['Replace, example 3 (collapse)', 'Replace([mobile], , "[()\\\\s-]+", , "", , )', { mobile: '+1 (999) 888-7777' }, '+19998887777'],
  ['Replace, example 4', 'Replace([AddressLineData], ,"(?<streetNumber>^\\\\d*)","streetNumber", "888", , )', { AddressLineData: '545 Tremont Street' }, '888 Tremont Street'],
  ['Replace, example 4 (UPN suffix)', 'Replace([userPrincipalName], , "(?<Suffix>@(.)*)", "Suffix", "", , )', { userPrincipalName: 'jsmith@contoso.com' }, 'jsmith'],
  ['Replace, example 5', 'Replace([telephoneNumber], , "\\\\+(?<isdCode>\\\\d* )(?<phoneNumber>\\\\d{10})", "phoneNumber" , , [mobile], )', { telephoneNumber: '', mobile: '+91 8887779999' }, '8887779999'],
  ['Replace, example 5 (source has a value: source)', 'Replace([telephoneNumber], , "\\\\+(?<isdCode>\\\\d* )(?<phoneNumber>\\\\d{10})", "phoneNumber" , , [mobile], )', { telephoneNumber: '+1 4255550100', mobile: '+91 8887779999' }, '+1 4255550100'],
  ['Replace, example 6', 'Replace([mailNickname], , "[a-zA-Z_]*", , "", , )', { mailNickname: 'john_doe72' }, '72'],
  ['Replace (Examples: strip a known domain name)', 'Replace([mail], "@contoso.com", , ,"", ,)', { mail: 'john.doe@contoso.com' }, 'john.doe'],
  ['Split', 'Split([extensionAttribute5], ",")', { extensionAttribute5: 'PermissionSetOne, PermissionSetTwo' }, ['PermissionSetOne', 'PermissionSetTwo']],
  ['StripSpaces', 'StripSpaces([displayName])', { displayName: 'John  Doe Smith' }, 'JohnDoeSmith'],
  ['Switch', 'Switch([state], "Australia/Sydney", "NSW", "Australia/Sydney","QLD", "Australia/Brisbane", "SA", "Australia/Adelaide")', { state: 'QLD' }, 'Australia/Brisbane'],
  ['Switch (no key matches: the default)', 'Switch([state], "Australia/Sydney", "NSW", "Australia/Sydney","QLD", "Australia/Brisbane", "SA", "Australia/Adelaide")', { state: 'WA' }, 'Australia/Sydney'],
  ['Switch (case-sensitive: normalize with ToLower)', 'Switch(ToLower([statusFlag]), "0", "true", "1", "false", "0")', { statusFlag: 'TRUE' }, '1'],
  ['Switch (case-sensitive)', 'Switch([statusFlag], "0", "true", "1", "false", "0")', { statusFlag: 'TRUE' }, '0'],
  ['Switch (an empty source matches the "" key)', 'Switch([statusFlag], "Default Value", "true", "1", "", "0")', {}, '0'],
  ['ToLower', 'ToLower(Join("@", NormalizeDiacritics(StripSpaces(Join(".",  [PreferredFirstName], [PreferredLastName]))), "contoso.com"))', { PreferredFirstName: 'John', PreferredLastName: 'Smith' }, 'john.smith@contoso.com'],
  ['ToUpper', 'ToUpper([country])', { country: 'us' }, 'US'],
  ['Word', 'Word("The quick brown fox",3," ")', {}, 'brown'],
  ['Word', 'Word("This,string!has&many separators",3,",!&#")', {}, 'has'],
  ['customize-application-attributes, "Default value if null"', 'Switch(IsPresent([jobTitle]), "DefaultValue", "True", [jobTitle])', {}, 'DefaultValue'],
  ['customize-application-attributes, "Default value if null"', 'Switch(IsPresent([jobTitle]), "DefaultValue", "True", [jobTitle])', { jobTitle: 'Engineer' }, 'Engineer'],
];

describe("every example of Microsoft's reference page", () => {
  it.each(EXAMPLES)('%s: %s', (_section, expression, attributes, expected) => {
    expect(evaluate(expression, attributes)).toEqual(expected);
  });

  it('Guid: a new random GUID, in the form of the page\'s sample output', () => {
    const a = evaluate('Guid()');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(evaluate('Guid()')).not.toBe(a);
  });

  it('Examples: an id from the object id, "1000" and the UTF-8 hex of the id without its letters (the page\'s sample id is a placeholder, so its output is not this one)', () => {
    expect(evaluate('Join("", 1000, Replace(ConvertToUTF8Hex([objectId]), , "[a-zA-Z_]*", , "", , ))', { objectId: '00aa00aa-bb11-cc22-dd33-44ee44ee44ee' })).toBe('100030306161303061612626231312636332322646433332343465653434656534346565');
  });
});

// What the page says a function does when its attribute is absent (null) or empty. A null final
// value means the attribute is not sent (Entra never sends nulls).
const NULLS: [string, string, Attributes, string | string[] | null][] = [
  ['Coalesce: every source null, no default → NULL', 'Coalesce([mail],[otherMail])', {}, null],
  ['Coalesce: every source null → the default', 'Coalesce([mail],[otherMail],"nobody@contoso.com")', {}, 'nobody@contoso.com'],
  ['Coalesce: an empty attribute is null', 'Coalesce([mail],[userPrincipalName])', { mail: '', userPrincipalName: 'John.Doe@contoso.com' }, 'John.Doe@contoso.com'],
  ['IgnoreFlowIfNullOrEmpty: example 1, a null attribute is dropped', 'IgnoreFlowIfNullOrEmpty([department])', {}, null],
  ['IgnoreFlowIfNullOrEmpty: an empty one too', 'IgnoreFlowIfNullOrEmpty([department])', { department: '' }, null],
  ['IsNull: "a Null is expressed by the absence of the attribute"', 'IsNull([displayName])', {}, 'True'],
  ['IsPresent: the inverse of IsNullOrEmpty', 'IsPresent([displayName])', { displayName: '' }, 'False'],
  ['Item: index 0 "shouldn\'t be used" (nothing)', 'Item([proxyAddresses], 0)', { proxyAddresses: ['a'] }, null],
  ['Item: an index past the end (nothing)', 'Item([proxyAddresses], 3)', { proxyAddresses: ['a'] }, null],
  ['Join: a null source is left out, with its separator', 'Join(" ", [givenName], [middleName], [surname])', { givenName: 'John', surname: 'Doe' }, 'John Doe'],
  ['Join: every source null → nothing', 'Join(" ", [givenName], [surname])', {}, null],
  ['Left: numChars = 0 → empty string (nothing sent)', 'Left("John Doe", 0)', {}, null],
  ['Left: a null string → empty string (nothing sent)', 'Left([displayName], 3)', {}, null],
  ['Mid: a null source → nothing', 'Mid([givenName], 1, 3)', {}, null],
  ['Append: a null source → nothing', 'Append([userPrincipalName], ".test")', {}, null],
  ['NormalizeDiacritics: null → nothing', 'NormalizeDiacritics([givenName])', {}, null],
  ['ToLower: null → nothing', 'ToLower([givenName])', {}, null],
  ['Split: null → nothing', 'Split([extensionAttribute5], ",")', {}, null],
  ['Switch: an empty source with no "" key → the default', 'Switch([state], "Australia/Sydney", "QLD", "Australia/Brisbane")', {}, 'Australia/Sydney'],
  ['Switch: an empty source, no default → nothing', 'Switch([state], , "QLD", "Australia/Brisbane")', {}, null],
  ['Word: number < 1 → empty string', 'Word("The quick brown fox",0," ")', {}, null],
  ['Word: a null string → empty string', 'Word([displayName],1," ")', {}, null],
  ['Word: fewer words than number → empty string', 'Word("The quick",3," ")', {}, null],
  ['Count: a null attribute has no elements', 'Count([proxyAddresses])', {}, '0'],
];

describe('null and empty attributes, as the page describes them', () => {
  it.each(NULLS)('%s: %s', (_what, expression, attributes, expected) => {
    expect(evaluate(expression, attributes)).toEqual(expected);
  });
});

describe('the syntax rules of the page', () => {
  it.each([
    ['a quotation mark escaped with a backslash', 'Append("Company name: \\"Contoso\\"", "")', 'Company name: "Contoso"'],
    ['a backslash escaped with a backslash', 'Append("CONTOSO\\\\", [mailNickname])', 'CONTOSO\\jdoe'],
    ['functions nested several deep', 'ToUpper(Left(NormalizeDiacritics(Replace(Join(".", [givenName], [surname]), , "[^A-Za-zÀ-ÿ.]", , "", , )), 6))', 'ZOE.LE'],
    ['white space and line breaks between arguments (the page\'s DateDiff example 2 spans lines)', 'Switch( [country] ,\n  "Other",\n  "USA", "United States" ,\t"FR", "France"\n)', 'France'],
    ['a directory extension attribute', 'ToUpper([extension_8f2b7c1d_costCenter])', 'CC-410'],
    ['an attribute name with a dash (gallery attribute lists have them)', 'Append([Facsimile-TelephoneNumber], "")', '+1 425 555 0109'],
  ])('%s', (_what, expression, expected) => {
    expect(evaluate(expression, { givenName: 'Zoë', surname: 'Lefèvre', country: 'FR', mailNickname: 'jdoe', extension_8f2b7c1d_costCenter: 'cc-410', 'Facsimile-TelephoneNumber': '+1 425 555 0109' })).toBe(expected);
  });

  it('function names are case-sensitive ("The syntax is case-sensitive"): join( is refused, naming Join', () => {
    expect(() => compileExpression('join(" ", [givenName], [surname])')).toThrow('unknown function join: the syntax is case-sensitive, write Join (at character 1)');
  });

  it.each([
    ['Join(" ", [givenName], [surname]', 'Join( is never closed: expected "," or ")" (at character 1)'],
    ['Join(" ", [givenName, [surname])', 'the attribute name [givenName is never closed with "]" (it runs into "," at character 21) (at character 11)'],
    ['Append([givenName], "x)', 'a string constant is never closed with a double quote (at character 21)'],
    ['Append([givenName] "x")', 'expected "," or ")" in the arguments of Append, found """ (at character 20)'],
    ['Left("John", 2', 'Left( is never closed: expected "," or ")" (at character 1)'],
    ['Switch([state], "Other", "NSW", "Sydney", "QLD")', 'Switch takes a source, a default, then key/value pairs: an even number of arguments (at character 1)'],
    ['Left("John Doe", "three")', 'Left: NumChars must be a whole number, got "three" (at character 18)'],
    ['Replace([mobile], , "[0-9", , "", , )', 'Replace: not a valid regular expression "[0-9"'],
    ['ToLower([givenName]) ToUpper([surname])', 'unexpected "T" after the end of the expression (at character 22)'],
    ['', 'the expression is empty'],
  ])('a malformed expression is one error with the position: %s', (expression, message) => {
    expect(() => compileExpression(expression)).toThrow(message);
  });
});

describe('when the file loads', () => {
  const load = (expression: string, extra: Record<string, unknown> = {}): void =>
    void parseDirectory(JSON.stringify({ source: 'entra', users: [{ id: 'u1', userPrincipalName: 'ann@contoso.example' }], ...extra, app: { scope: 'all', mappings: [{ source: 'userPrincipalName', target: 'userName' }, { expression, target: 'nickName' }] } }), 'dir.json');

  it('an unknown attribute is refused naming the mapping and the character it starts at', () => {
    expect(() => load('Join(" ", [givenName], [surnmae])')).toThrow('dir.json#/app/mappings/1/expression: [surnmae]: unknown entra attribute "surnmae" (declare custom attributes in "attributes", or name a directory extension extension_<app id>_<name>) (at character 24)');
    expect(() => load('Append([user.department], "")')).toThrow('[user.department]: unknown entra attribute "user.department" (did you mean "department"? declare custom attributes in "attributes", or name a directory extension extension_<app id>_<name>) (at character 8)');
  });

  it('a declared attribute, a directory extension and an Entra attribute named with a dot are read', () => {
    expect(() => load('Join(" ", [costCentre], [extension_8f2b7c1d_building], [employeeOrgData.costCenter])', { attributes: ['costCentre'] })).not.toThrow();
  });

  it.each([
    ['SelectUniqueValue(Join("@", [givenName], "contoso.com"), Join("@", [surname], "contoso.com"))', 'SelectUniqueValue is an Entra function scimproof does not evaluate: Entra supports it only for Active Directory targets'],
    ['ToLower(AppRoleAssignmentsComplex([appRoleAssignments]))', 'AppRoleAssignmentsComplex is an Entra function scimproof does not evaluate: it is only ever the whole expression'],
    ['Len([givenName])', 'unknown function Len (supported: '],
  ])('a function scimproof does not evaluate is refused by name: %s', (expression, message) => {
    expect(() => load(expression)).toThrow(`dir.json#/app/mappings/1/expression: ${message}`);
  });
});
