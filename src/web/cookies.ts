/** The staff session's cookie names and lifetime, shared by the plugin and the sign-in page. */
export interface CookieNames {
  session: string;
  csrf: string;
  secure: boolean;
}

/** `__Host-` names and `Secure` when the public address is https; plain names on a local http set-up. */
export function cookieNames(publicUrl: string): CookieNames {
  const secure = publicUrl.startsWith('https:');
  return { session: secure ? '__Host-session' : 'session', csrf: secure ? '__Host-csrf' : 'csrf', secure };
}

export const SESSION_COOKIE_MAX_AGE = 7 * 24 * 3600;
