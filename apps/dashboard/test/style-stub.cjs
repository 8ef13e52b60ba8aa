// CSS imports are the browser's business; components render without them in jsdom.
module.exports = {};
