// Placeholder: the handler lands in the next commits.
export const handler = async () => ({ statusCode: 501 });
