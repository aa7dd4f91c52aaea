/**
 * Where the command-line tools find the running local stack: `API` (the variable the README's commands
 * use), else `API_URL`, else `PORT` on 127.0.0.1, the same variables `npm start` listens on.
 */
export function localApiUrl(env: NodeJS.ProcessEnv = process.env): string {
  const url = env.API || env.API_URL || `http://127.0.0.1:${env.PORT || 3000}`;
  return url.replace(/\/+$/, '');
}
