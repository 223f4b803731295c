/**
 * Reading a Pulumi URN, `urn:pulumi:<stack>::<project>::<type chain>::<name>`: what the policy pack
 * and the driver's engine-event reader both need, without loading @pulumi/policy.
 */

/** The stack segment of a URN. */
export function stackOfUrn(urn: string): string {
  return urn.split("::")[0].replace(/^urn:pulumi:/, "");
}

/** `type::name` of a URN, the child-most type of a `parent$child` type chain. */
export function refOfUrn(urn: string): string {
  const [, , qualifiedType, ...name] = urn.split("::");
  return `${qualifiedType.split("$").pop()}::${name.join("::")}`;
}
