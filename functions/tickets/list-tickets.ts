// Placeholder until the handler lands in this commit series.
export const handler = async () => ({ statusCode: 501 });
