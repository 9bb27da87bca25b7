-- Long-lived `pandoc lua` worker; nufa_cli/pandoc_worker.py starts it and talks to it.
--
-- Framing, both directions: a frame is "<decimal byte count>\n<bytes>". A request is one
-- JSON frame followed by as many binary frames as its "blobs" field says; a reply is
-- always one JSON frame and one binary frame (empty unless the reply carries output).
--
-- Requests:
--   {"op": "init", "reader": ..., "filters": {...}, "typst_template": ..., "odt_template": ...,
--    "reference_doc": ...}
--   {"op": "read", "markdown": ..., "lang": ...}
--     -> {"ok": true, "images": [src, ...], "warnings": [...]}
--   {"op": "write", "format": "docx"|"odt"|"typst", "lang":, "meta": {...}, "variables": {...},
--    "images": [{"src":, "path":, "mime":}], "blobs": n}
--     -> {"ok": true, "warnings": [...]} + output bytes
-- Errors: {"ok": false, "error": message}.
--
-- The worker reads no file on a document's behalf. `pandoc lua` has no --sandbox, so:
-- Markdown is parsed in pandoc's sandbox (pandoc.read with an empty file list); the
-- DOCX and ODT writers are not sandboxed and would read any image path, absolute ones
-- even with an empty resource path, and fetch URLs, so every image is replaced by a media bag
-- entry holding bytes Python read after checking the path, and an image Python did not
-- check stops the job.

local json = pandoc.json

local function read_frame()
  local line = io.stdin:read("l")
  if line == nil then return nil end
  local size = tonumber(line)
  if size == nil then error("bad frame header: " .. line) end
  if size == 0 then return "" end
  local data = io.stdin:read(size)
  if data == nil or #data ~= size then error("truncated frame") end
  return data
end

local function write_frame(data)
  io.stdout:write(tostring(#data), "\n", data)
end

local config = nil   -- from the init request
local log_seen = 0   -- pandoc's log entries already reported
local filters = {}   -- format -> list of filter tables, "common" first
local current = nil  -- the document of the last read request, filtered by common.lua

local function load_filters(paths)
  local loaded = {}
  for _, path in ipairs(paths) do
    local chunk = assert(loadfile(path))
    for _, filter in ipairs(chunk()) do table.insert(loaded, filter) end
  end
  return loaded
end

local function apply(doc, list)
  for _, filter in ipairs(list) do doc = doc:walk(filter) end
  return doc
end

local function collect_images(doc)
  local seen, images = {}, {}
  doc:walk({
    Image = function(image)
      if not seen[image.src] then
        seen[image.src] = true
        table.insert(images, image.src)
      end
    end,
  })
  return images
end

-- Pandoc's warnings since the last call (duplicate ids, unused footnotes...).
local function new_warnings()
  local log = PANDOC_STATE.log
  local warnings = {}
  for i = log_seen + 1, #log do
    local entry = json.decode(json.encode(log[i]), false)
    if entry.verbosity == "WARNING" or entry.verbosity == "ERROR" then
      table.insert(warnings, entry.pretty)
    end
  end
  log_seen = #log
  return warnings
end

local function init(request)
  config = request
  for format, paths in pairs(request.filters) do filters[format] = load_filters(paths) end
  config.typst_template = pandoc.template.compile(request.typst_template)
  config.odt_template = pandoc.template.compile(request.odt_template)
  return { ok = true }
end

local function read(request)
  NUFA = { lang = request.lang }
  -- An empty file list runs the reader in pandoc's sandbox with no files at all.
  local doc = pandoc.read(request.markdown, config.reader, {}, {})
  current = apply(doc, filters.common)
  return { ok = true, images = collect_images(current), warnings = new_warnings() }
end

local function metadata(meta)
  local result = {}
  for key, value in pairs(meta) do
    if type(value) == "boolean" then
      result[key] = value
    else
      -- Plain words and spaces: the writer escapes them like any document text.
      result[key] = pandoc.Inlines(value)
    end
  end
  return result
end

local function write(request, blobs)
  if current == nil then error("write without read") end
  local doc = current  -- kept: the next write of the same document needs no new read
  NUFA = { lang = request.lang }

  local by_src = {}
  pandoc.mediabag.empty()
  for i, image in ipairs(request.images) do
    by_src[image.src] = image
    if request.format == "docx" or request.format == "odt" then
      pandoc.mediabag.insert(image.path, image.mime, blobs[i])
    end
  end
  doc = doc:walk({
    Image = function(image)
      local checked = by_src[image.src]
      if checked == nil then error("image not checked: " .. image.src) end
      image.src = checked.path
      return image
    end,
  })

  for key, value in pairs(metadata(request.meta)) do doc.meta[key] = value end
  doc.meta.lang = request.lang
  doc = apply(doc, filters[request.format])

  local output
  if request.format == "docx" then
    output = pandoc.write(doc, "docx", { reference_doc = config.reference_doc })
  elseif request.format == "odt" then
    output = pandoc.write(doc, "odt", { template = config.odt_template })
  elseif request.format == "typst" then
    output = pandoc.write(doc, "typst", {
      template = config.typst_template,
      variables = request.variables,
    })
  else
    error("unknown format: " .. tostring(request.format))
  end
  pandoc.mediabag.empty()
  return { ok = true, warnings = new_warnings() }, output
end

local handlers = { init = init, read = read, write = write }

local function serve()
  while true do
    local header = read_frame()
    if header == nil then return end
    local request = json.decode(header, false)
    local blobs = {}
    for i = 1, (request.blobs or 0) do blobs[i] = read_frame() end

    local handler = handlers[request.op]
    local ok, reply, output
    if handler == nil then
      ok, reply = false, "unknown op: " .. tostring(request.op)
    else
      ok, reply, output = pcall(handler, request, blobs)
    end
    if not ok then
      reply, output = { ok = false, error = tostring(reply) }, ""
    end
    write_frame(json.encode(reply))
    write_frame(output or "")
    io.stdout:flush()
  end
end

-- No user data directory (a reference.docx or template there would change the output)
-- and no resource path (an image missing from the media bag is not looked up on disk).
pandoc.with_state({ user_data_dir = os.getenv("NUFA_EMPTY_DIR"), resource_path = {} }, serve)
