/** {@code pier logs tail}: the live logs client, and the short filter form it turns into Cloudflare's JSON filter. */
package dev.pier.cli.logs;
