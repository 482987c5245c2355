/** The slice of a JSON schema the bad-input battery and the fuzz walk. */
export type Schema = { properties?: Record<string, unknown>; anyOf?: Schema[]; oneOf?: Schema[]; items?: Schema; $ref?: string };

/** Every property name a request schema may hold, through references, unions and arrays. */
export function propertiesOf(schema: Schema | undefined, components: Record<string, Schema>, depth = 0): string[] {
  if (!schema || depth > 4) return [];
  if (schema.$ref) return propertiesOf(components[schema.$ref.split('/').pop()!], components, depth + 1);
  return [
    ...Object.keys(schema.properties ?? {}),
    ...[...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].flatMap((s) => propertiesOf(s, components, depth + 1)),
    ...propertiesOf(schema.items, components, depth + 1),
  ];
}
