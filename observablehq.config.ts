// The report site. Pages live in src/; their data comes from loaders in src/data/, which are
// one-line entry points into loaders/ and read the warehouse named by TAGBOOK_WAREHOUSE.
export default {
  title: "tagbook",
  root: "src",
  output: process.env.TAGBOOK_DIST ?? "dist",
  // Framework's default stylesheet pulls a web font from a public host; the site must work
  // offline and call no third party, so only the local theme stylesheet is used.
  globalStylesheets: [],
  // Framework's default look plus the Inputs stylesheet (see src/style.css).
  style: "style.css",
  // Plain files (spend.html) so any static server, or none, can serve dist/.
  preserveExtension: true,
  preserveIndex: true,
  // An empty icon, so browsers do not ask the server for /favicon.ico.
  head: '<link rel="icon" href="data:,">',
  pager: false,
  search: false,
  footer: "Built by tagbook from the newest drop in the warehouse; every date is the drop's as-of date.",
  pages: [
    {name: "Overview", path: "/index"},
    {name: "Customers", path: "/customers"},
    {name: "Spend", path: "/spend"},
    {name: "Activity", path: "/activity"},
    {name: "Products", path: "/products"},
    {name: "Follow-up", path: "/follow-up"},
    {name: "Segments", path: "/segments"},
    {name: "Data quality", path: "/quality"},
    {name: "Rules", path: "/rules"},
  ],
};
