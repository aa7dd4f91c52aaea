export const complianceObjectKeys = {
  exportBundle: (desk: string, dsarId: string) => `exports/${desk}/${dsarId}/bundle.json`,
  attachment: (desk: string, ticketId: string, attachmentId: string) =>
    `attachments/${desk}/${ticketId}/files/${attachmentId}`,
};

/**
 * Attributes that name S3 objects an item owns, whoever wrote it: message bodies (`bodyRef`), HTML
 * bodies (`email.htmlKey`), email attachments (`attachments[].key`), files and bundles (`objectKey`).
 * The purge and the erasure delete these with the item.
 */
export function objectKeysOf(item: Record<string, unknown>): string[] {
  const keys: string[] = [];
  if (typeof item.bodyRef === 'string') keys.push(item.bodyRef);
  if (typeof item.objectKey === 'string') keys.push(item.objectKey);
  const email = item.email as { htmlKey?: unknown } | undefined;
  if (email && typeof email.htmlKey === 'string') keys.push(email.htmlKey);
  if (Array.isArray(item.attachments)) {
    for (const a of item.attachments as Array<{ key?: unknown }>)
      if (typeof a?.key === 'string') keys.push(a.key);
  }
  return keys;
}

export const blobKeys = {
  messageBody: (desk: string, ticketId: string, messageId: string) =>
    `bodies/${desk}/${ticketId}/${messageId}.txt`,
  messageHtml: (desk: string, ticketId: string, messageId: string) =>
    `bodies/${desk}/${ticketId}/${messageId}.html`,
  attachment: (desk: string, ticketId: string, messageId: string, index: number, filename: string) =>
    `attachments/${desk}/${ticketId}/${messageId}/${index + 1}-${filename}`,
};
