// Where the Gendan server is. In WeChat DevTools, point it at your server (HTTPS in production;
// for local development tick "不校验合法域名" in DevTools' project settings).
export const SERVER_URL = 'http://127.0.0.1:3000';
